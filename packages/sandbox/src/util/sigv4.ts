/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';

/** Credentials the stand-ins accept. */
export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export type SigV4FailureKind =
  | 'missing'
  | 'malformed'
  | 'unknownKey'
  | 'mismatch'
  | 'expired';

export type SigV4Result =
  | {
      ok: true;
      accessKeyId: string;
      region: string;
      service: string;
      sessionToken?: string;
      /** Signing time. */
      date: Date;
    }
  | { ok: false; kind: SigV4FailureKind; message: string };

const ALGORITHM = 'AWS4-HMAC-SHA256';
const EMPTY_SHA256 =
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** RFC 3986 escaping as SigV4 uses it. */
export function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function sha256Hex(data: string | Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return crypto.createHmac('sha256', key).update(data, 'utf8').digest();
}

/** The SigV4 signature of a canonical request. */
export function sigV4Signature(options: {
  secretAccessKey: string;
  longDate: string;
  region: string;
  service: string;
  canonicalRequest: string;
}): string {
  const shortDate = options.longDate.slice(0, 8);
  const scope = `${shortDate}/${options.region}/${options.service}/aws4_request`;
  const stringToSign = [
    ALGORITHM,
    options.longDate,
    scope,
    sha256Hex(options.canonicalRequest),
  ].join('\n');
  let key = hmac(`AWS4${options.secretAccessKey}`, shortDate);
  key = hmac(key, options.region);
  key = hmac(key, options.service);
  key = hmac(key, 'aws4_request');
  return crypto
    .createHmac('sha256', key)
    .update(stringToSign, 'utf8')
    .digest('hex');
}

/** Parses `YYYYMMDDTHHMMSSZ`. */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) {
    return undefined;
  }
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Constant-time comparison of two hex strings. */
export function sameSignature(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && crypto.timingSafeEqual(ba, bb);
}

function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') {
      continue;
    }
    if (segment === '..') {
      segments.pop();
    } else {
      segments.push(segment);
    }
  }
  const normalized = `${rawPath.startsWith('/') ? '/' : ''}${segments.join(
    '/',
  )}${segments.length > 0 && rawPath.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Parses a raw query string into decoded pairs, in order. */
export function parseQueryPairs(rawQuery: string): Array<[string, string]> {
  if (!rawQuery) {
    return [];
  }
  return rawQuery
    .split('&')
    .filter(p => p.length > 0)
    .map(pair => {
      const i = pair.indexOf('=');
      return i < 0
        ? [safeDecode(pair), '']
        : [safeDecode(pair.slice(0, i)), safeDecode(pair.slice(i + 1))];
    });
}

function canonicalQuery(
  pairs: Array<[string, string]>,
  exclude?: string,
): string {
  return pairs
    .filter(([k]) => k !== exclude)
    .map(([k, v]) => [escapeUri(k), escapeUri(v)] as const)
    .sort((a, b) => {
      if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
      return a[1] < b[1] ? -1 : 1;
    })
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const v = headers[name];
  if (v === undefined) {
    return undefined;
  }
  return Array.isArray(v) ? v.join(',') : v;
}

function canonicalHeaders(
  headers: Record<string, string | string[] | undefined>,
  signed: string[],
): string | undefined {
  const lines: string[] = [];
  for (const name of signed) {
    const value = headerValue(headers, name);
    if (value === undefined) {
      return undefined;
    }
    lines.push(`${name}:${value.trim().replace(/\s+/g, ' ')}\n`);
  }
  return lines.join('');
}

function splitUrl(rawUrl: string): { path: string; query: string } {
  const q = rawUrl.indexOf('?');
  return q < 0
    ? { path: rawUrl, query: '' }
    : { path: rawUrl.slice(0, q), query: rawUrl.slice(q + 1) };
}

function checkCredentialScope(
  credential: string,
  credentials: SigV4Credentials,
):
  | {
      ok: true;
      accessKeyId: string;
      shortDate: string;
      region: string;
      service: string;
    }
  | { ok: false; kind: SigV4FailureKind; message: string } {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') {
    return {
      ok: false,
      kind: 'malformed',
      message: `Credential should be scoped to a valid region, service and terminate with 'aws4_request'. Got '${parts
        .slice(1)
        .join('/')}'.`,
    };
  }
  const [accessKeyId, shortDate, region, service] = parts;
  if (accessKeyId !== credentials.accessKeyId) {
    return {
      ok: false,
      kind: 'unknownKey',
      message: 'The security token included in the request is invalid.',
    };
  }
  return { ok: true, accessKeyId, shortDate, region, service };
}

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** Verifies the `Authorization: AWS4-HMAC-SHA256 ...` header of a request. */
export function verifySignedRequest(
  request: {
    method: string;
    rawUrl: string;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
  },
  credentials: SigV4Credentials,
  now: Date = new Date(),
  maxSkewMs = 15 * 60 * 1000,
): SigV4Result {
  const authorization = headerValue(request.headers, 'authorization');
  if (!authorization) {
    return {
      ok: false,
      kind: 'missing',
      message: 'Missing Authentication Token',
    };
  }
  const m =
    /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)\s*$/.exec(
      authorization,
    );
  if (!m) {
    return {
      ok: false,
      kind: 'malformed',
      message: `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters with algorithm AWS4-HMAC-SHA256.`,
    };
  }
  const scope = checkCredentialScope(m[1], credentials);
  if (!scope.ok) {
    return scope;
  }
  const amzDate = headerValue(request.headers, 'x-amz-date');
  const date = amzDate ? parseAmzDate(amzDate) : undefined;
  if (!amzDate || !date) {
    return {
      ok: false,
      kind: 'malformed',
      message: `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.`,
    };
  }
  if (Math.abs(now.getTime() - date.getTime()) > maxSkewMs) {
    return {
      ok: false,
      kind: 'expired',
      message: `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(
        new Date(now.getTime() - maxSkewMs),
      )} (${formatAmzDate(now)} - 15 min.)`,
    };
  }
  const signedHeaders = m[2].split(';');
  const headersBlock = canonicalHeaders(request.headers, signedHeaders);
  if (headersBlock === undefined || !signedHeaders.includes('host')) {
    return { ok: false, kind: 'mismatch', message: MISMATCH };
  }
  const { path, query } = splitUrl(request.rawUrl);
  const payloadHash =
    headerValue(request.headers, 'x-amz-content-sha256') ??
    (request.body.length ? sha256Hex(request.body) : EMPTY_SHA256);
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath(path),
    canonicalQuery(parseQueryPairs(query)),
    headersBlock,
    m[2],
    payloadHash,
  ].join('\n');
  const expected = sigV4Signature({
    secretAccessKey: credentials.secretAccessKey,
    longDate: amzDate,
    region: scope.region,
    service: scope.service,
    canonicalRequest,
  });
  if (!sameSignature(expected, m[3])) {
    return { ok: false, kind: 'mismatch', message: MISMATCH };
  }
  return {
    ok: true,
    accessKeyId: scope.accessKeyId,
    region: scope.region,
    service: scope.service,
    sessionToken: headerValue(request.headers, 'x-amz-security-token'),
    date,
  };
}

/** Verifies a SigV4 presigned URL (query-string authentication); headers are the signed ones the caller would send. */
export function verifyPresignedUrl(
  request: {
    method: string;
    url: URL;
    headers: Record<string, string | string[] | undefined>;
  },
  credentials: SigV4Credentials,
): SigV4Result & { expires?: number } {
  const pairs = parseQueryPairs(request.url.search.replace(/^\?/, ''));
  const q = new Map(pairs);
  const algorithm = q.get('X-Amz-Algorithm');
  const credential = q.get('X-Amz-Credential');
  const amzDate = q.get('X-Amz-Date');
  const signedHeadersRaw = q.get('X-Amz-SignedHeaders');
  const signature = q.get('X-Amz-Signature');
  if (
    !algorithm ||
    !credential ||
    !amzDate ||
    !signedHeadersRaw ||
    !signature
  ) {
    return {
      ok: false,
      kind: 'missing',
      message:
        'the presigned URL lacks X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders or X-Amz-Signature',
    };
  }
  if (algorithm !== ALGORITHM) {
    return {
      ok: false,
      kind: 'malformed',
      message: `unsupported X-Amz-Algorithm ${algorithm}`,
    };
  }
  const date = parseAmzDate(amzDate);
  if (!date) {
    return {
      ok: false,
      kind: 'malformed',
      message: `X-Amz-Date ${amzDate} is not in the form YYYYMMDDTHHMMSSZ`,
    };
  }
  const scope = checkCredentialScope(credential, credentials);
  if (!scope.ok) {
    return scope;
  }
  const signedHeaders = signedHeadersRaw.split(';');
  const headers: Record<string, string | string[] | undefined> = {
    ...request.headers,
    host: request.url.host,
  };
  const headersBlock = canonicalHeaders(headers, signedHeaders);
  if (headersBlock === undefined) {
    return { ok: false, kind: 'mismatch', message: MISMATCH };
  }
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath(request.url.pathname),
    canonicalQuery(pairs, 'X-Amz-Signature'),
    headersBlock,
    signedHeadersRaw,
    EMPTY_SHA256,
  ].join('\n');
  const expected = sigV4Signature({
    secretAccessKey: credentials.secretAccessKey,
    longDate: amzDate,
    region: scope.region,
    service: scope.service,
    canonicalRequest,
  });
  if (!sameSignature(expected, signature)) {
    return { ok: false, kind: 'mismatch', message: MISMATCH };
  }
  const expiresRaw = q.get('X-Amz-Expires');
  return {
    ok: true,
    accessKeyId: scope.accessKeyId,
    region: scope.region,
    service: scope.service,
    sessionToken: q.get('X-Amz-Security-Token'),
    date,
    expires: expiresRaw === undefined ? undefined : Number(expiresRaw),
  };
}
