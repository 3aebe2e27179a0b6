/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

export { DiagnosisSection } from './DiagnosisSection';
export { findingsCount, SEVERITIES } from './findings';
