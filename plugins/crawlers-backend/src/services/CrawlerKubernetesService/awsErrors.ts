/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { isError } from '@backstage/errors';
import type { CrawlersUpstreamError } from '@crawler-platform/plugin-crawlers-common';

const MAX_MESSAGE_LENGTH = 500;

/** A failed CodeCommit call as a section error (AWS error name and message, HTTP status or 502). */
export function toAwsSectionError(
  source: string,
  what: string,
  error: unknown,
): CrawlersUpstreamError {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } })
    ?.$metadata?.httpStatusCode;
  const text = isError(error) ? `${error.name}: ${error.message}` : 'failed';
  return {
    source,
    status: typeof status === 'number' && status >= 400 ? status : 502,
    message: `${what} failed: ${text}`.slice(0, MAX_MESSAGE_LENGTH),
  };
}
