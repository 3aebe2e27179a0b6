/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Test helpers for code that talks to Airflow through the crawlers node library.
 *
 * @packageDocumentation
 */

export { fakeAirflow } from './testing/fakeAirflow';
export type {
  FakeAirflowOptions,
  FakeAirflowState,
  RecordedRequest,
} from './testing/fakeAirflow';
export * as airflowFixtures from './testing/fixtures';
