/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  ConflictError,
  CustomErrorBase,
  InputError,
  NotFoundError,
  ResponseError,
  isError,
} from '@backstage/errors';
import type { CrawlersUpstreamError } from '@crawler-platform/plugin-crawlers-common';

const MAX_MESSAGE_LENGTH = 500;

/** Thrown by action routes when Airflow fails in a way the caller cannot fix (502/504). */
export class AirflowRequestFailedError extends CustomErrorBase {
  name = 'AirflowRequestFailedError' as const;
  constructor(message: string, readonly statusCode: number, cause?: unknown) {
    super(message, cause);
  }
}

function detail(error: ResponseError): string {
  const causeMessage = error.cause?.message ?? '';
  const match = /"detail"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(causeMessage);
  const text = match ? match[1] : '';
  return text ? `: ${text}` : '';
}

/** Describes any failure of an Airflow call as `{ status, message }` without echoing request headers. */
export function describeUpstreamError(error: unknown): {
  status: number;
  message: string;
} {
  if (ResponseError.is(error)) {
    return {
      status: error.statusCode,
      message: `Airflow answered ${error.statusCode} ${
        error.statusText
      }${detail(error)}`.slice(0, MAX_MESSAGE_LENGTH),
    };
  }
  if (isError(error) && error.name === 'AirflowUnavailableError') {
    const statusCode = (error as { statusCode?: unknown }).statusCode;
    return {
      status: typeof statusCode === 'number' ? statusCode : 502,
      message: error.message.slice(0, MAX_MESSAGE_LENGTH),
    };
  }
  if (isError(error) && error.name === 'NotFoundError') {
    return { status: 404, message: error.message };
  }
  return { status: 500, message: 'Unexpected error while calling Airflow' };
}

/** The per-section form used in read responses. */
export function toUpstreamError(
  source: string,
  error: unknown,
): CrawlersUpstreamError {
  return { source, ...describeUpstreamError(error) };
}

/** Maps an Airflow failure of an action route to one of our errors. */
export function toRouteError(action: string, error: unknown): Error {
  const { status, message } = describeUpstreamError(error);
  const text = `${action} failed: ${message}`;
  switch (status) {
    case 400:
    case 422:
      return new InputError(text);
    case 404:
      return new NotFoundError(text);
    case 409:
      return new ConflictError(text);
    case 504:
      return new AirflowRequestFailedError(text, 504);
    default:
      return new AirflowRequestFailedError(text, 502);
  }
}
