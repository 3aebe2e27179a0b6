/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsServiceError } from '../errors';

export function xmlEscape(value: string): string {
  return value.replace(
    /[<>&'"]/g,
    c =>
      ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' }[
        c
      ]!),
  );
}

/** The awsQuery response envelope around an operation's result XML (operations without output have no Result). */
export function queryResponse(
  action: string,
  namespace: string | undefined,
  requestId: string,
  inner: string,
): string {
  const rid = `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>`;
  const result = inner ? `<${action}Result>${inner}</${action}Result>` : '';
  return `<${action}Response xmlns="${namespace}">${result}${rid}</${action}Response>`;
}

/** awsQuery errors: `<ErrorResponse><Error><Type>Sender|Receiver</Type><Code>…`. */
export function queryError(
  err: AwsServiceError,
  namespace: string | undefined,
  requestId: string,
): string {
  const type = err.status >= 500 ? 'Receiver' : 'Sender';
  return `<ErrorResponse xmlns="${namespace}"><Error><Type>${type}</Type><Code>${xmlEscape(
    err.code,
  )}</Code><Message>${xmlEscape(
    err.message,
  )}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

/** An action no query service serves. */
export function unknownAction(action: string, params: URLSearchParams) {
  return new AwsServiceError(
    'InvalidAction',
    `Could not find operation ${action} for version ${params.get('Version')}`,
  );
}
