/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { CustomErrorBase } from '@backstage/errors';

/**
 * Thrown when an Airflow instance cannot be reached (`statusCode` 502) or does not answer in time (504).
 *
 * @public
 */
export class AirflowUnavailableError extends CustomErrorBase {
  name = 'AirflowUnavailableError' as const;
  readonly statusCode: 502 | 504;

  constructor(message: string, statusCode: 502 | 504, cause?: unknown) {
    super(message, cause);
    this.statusCode = statusCode;
  }
}
