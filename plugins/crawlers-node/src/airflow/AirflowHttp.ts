/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ResponseError, toError } from '@backstage/errors';
import { AirflowUnavailableError } from './errors';
import type { AirflowInstanceConfig } from './types';

/** Query values: arrays are sent as repeated keys unless `comma` lists them. */
export type AirflowQuery = Record<
  string,
  string | number | boolean | string[] | undefined
>;

export interface AirflowRequest {
  method: 'GET' | 'POST' | 'PATCH';
  /** Path below the API prefix, with each segment already encoded. */
  path: string;
  query?: AirflowQuery;
  /** Array query keys sent comma-separated (OpenAPI form, explode false). */
  commaKeys?: string[];
  body?: unknown;
}

/** Releases `release` once the body of `response` has been consumed, whichever way it is read. */
function wrapBody(response: Response, release: () => void): Response {
  if (!response.body) {
    release();
    return response;
  }
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          release();
          controller.close();
        } else {
          controller.enqueue(value);
        }
      } catch (e) {
        release();
        controller.error(e);
      }
    },
    cancel(reason) {
      release();
      return reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** Refresh a JWT this long before its `exp` claim. */
const TOKEN_EXPIRY_MARGIN_MS = 30_000;

/** Encodes one path segment; ids are checked elsewhere, this keeps `/` and `..` from changing the path. */
export function segment(value: string | number): string {
  return encodeURIComponent(String(value));
}

function readJwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) {
    return undefined;
  }
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * HTTP transport of one Airflow instance: base URL, API prefix, authentication (including the Airflow 3 JWT
 * lifecycle), timeouts and error mapping.
 */
export class AirflowHttp {
  private jwt?: { value: string; expiresAt?: number };
  private pendingJwt?: Promise<string>;
  /** Requests in flight to this instance, bounded by `maxConcurrentRequests`. */
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly config: AirflowInstanceConfig,
    private readonly logger: LoggerService,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sends a request below `/api/<version>` and returns the parsed JSON body. */
  async json<T>(version: 'v1' | 'v2', request: AirflowRequest): Promise<T> {
    const response = await this.send(version, request, true);
    try {
      return (await response.json()) as T;
    } catch (e) {
      const error = toError(e);
      const what = `${request.method} /api/${version}${request.path}`;
      if (error.name === 'TimeoutError' || error.name === 'AbortError') {
        throw new AirflowUnavailableError(
          `Airflow instance "${this.config.name}" did not finish ${what} within ${this.config.timeoutMs} ms`,
          504,
        );
      }
      throw new AirflowUnavailableError(
        `Airflow instance "${this.config.name}" answered ${what} with a body that is not JSON`,
        502,
      );
    }
  }

  /** Obtains a JWT now when the instance uses \`password\` auth. */
  async prepareAuth(): Promise<void> {
    if (this.config.auth.type === 'password') {
      await this.getJwt();
    }
  }

  /** Probes whether `/api/<version>/version` exists (any answer but 404 and 405 counts as present). */
  async probe(version: 'v1' | 'v2'): Promise<boolean> {
    const url = `${this.config.baseUrl}/api/${version}/version`;
    const response = await this.fetchWithTimeout(url, {
      method: 'GET',
      headers: { accept: 'application/json' },
    });
    await response.arrayBuffer().catch(() => undefined);
    return response.status !== 404 && response.status !== 405;
  }

  private async send(
    version: 'v1' | 'v2',
    request: AirflowRequest,
    retryOn401: boolean,
  ): Promise<Response> {
    const url = this.buildUrl(version, request);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    const authorization = await this.authorization();
    if (authorization) {
      headers.authorization = authorization;
    }
    const response = await this.fetchWithTimeout(url, {
      method: request.method,
      headers,
      body:
        request.body === undefined ? undefined : JSON.stringify(request.body),
    });
    if (
      response.status === 401 &&
      retryOn401 &&
      this.config.auth.type === 'password'
    ) {
      await response.arrayBuffer().catch(() => undefined);
      this.logger.debug('Airflow rejected the JWT, requesting a new one', {
        instance: this.config.name,
      });
      this.jwt = undefined;
      return this.send(version, request, false);
    }
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }

  private buildUrl(version: 'v1' | 'v2', request: AirflowRequest): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value === undefined) {
        continue;
      }
      if (Array.isArray(value)) {
        if (request.commaKeys?.includes(key)) {
          params.append(key, value.join(','));
        } else {
          value.forEach(v => params.append(key, v));
        }
      } else {
        params.append(key, String(value));
      }
    }
    const query = params.toString();
    return `${this.config.baseUrl}/api/${version}${request.path}${
      query ? `?${query}` : ''
    }`;
  }

  private async authorization(): Promise<string | undefined> {
    const auth = this.config.auth;
    switch (auth.type) {
      case 'basic':
        return `Basic ${Buffer.from(
          `${auth.username}:${auth.password}`,
        ).toString('base64')}`;
      case 'bearer':
        return `Bearer ${auth.token}`;
      case 'password':
        return `Bearer ${await this.getJwt()}`;
      default:
        return undefined;
    }
  }

  private async getJwt(): Promise<string> {
    const current = this.jwt;
    if (
      current &&
      (current.expiresAt === undefined ||
        this.now() < current.expiresAt - TOKEN_EXPIRY_MARGIN_MS)
    ) {
      return current.value;
    }
    if (!this.pendingJwt) {
      this.pendingJwt = this.requestJwt().finally(() => {
        this.pendingJwt = undefined;
      });
    }
    return this.pendingJwt;
  }

  private async requestJwt(): Promise<string> {
    const auth = this.config.auth;
    if (auth.type !== 'password') {
      throw new Error('JWT requested for an instance without password auth');
    }
    const response = await this.fetchWithTimeout(
      `${this.config.baseUrl}/auth/token`,
      {
        method: 'POST',
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          username: auth.username,
          password: auth.password,
        }),
      },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body = (await response.json()) as {
      access_token?: unknown;
      jwt_token?: unknown;
    };
    const token = body.access_token ?? body.jwt_token;
    if (typeof token !== 'string' || !token) {
      throw new AirflowUnavailableError(
        `Airflow instance "${this.config.name}" answered POST /auth/token without access_token or jwt_token`,
        502,
      );
    }
    const expiresAt = readJwtExpiry(token);
    this.jwt = { value: token, expiresAt };
    this.logger.debug('Obtained an Airflow JWT', {
      instance: this.config.name,
      expiresAt: expiresAt ? new Date(expiresAt).toISOString() : 'unknown',
    });
    return token;
  }

  /** Waits for one of the instance's `maxConcurrentRequests` slots; returns its release. */
  private async acquire(): Promise<() => void> {
    if (this.active >= this.config.maxConcurrentRequests) {
      await new Promise<void>(resolve => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    let released = false;
    return () => {
      if (released) {
        return;
      }
      released = true;
      const next = this.waiting.shift();
      if (next) {
        next(); // the slot passes to the next waiter
      } else {
        this.active--;
      }
    };
  }

  private async fetchWithTimeout(
    url: string,
    init: RequestInit,
  ): Promise<Response> {
    const release = await this.acquire();
    try {
      const response = await this.fetchOnce(url, init);
      // The slot is held until the body has been read (or dropped), so that concurrency counts whole exchanges.
      return wrapBody(response, release);
    } catch (e) {
      release();
      throw e;
    }
  }

  private async fetchOnce(url: string, init: RequestInit): Promise<Response> {
    const what = `${init.method} ${new URL(url).pathname}`;
    try {
      return await fetch(url, {
        ...init,
        redirect: 'error',
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
    } catch (e) {
      const error = toError(e);
      if (error.name === 'TimeoutError' || error.name === 'AbortError') {
        throw new AirflowUnavailableError(
          `Airflow instance "${this.config.name}" did not answer ${what} within ${this.config.timeoutMs} ms`,
          504,
        );
      }
      throw new AirflowUnavailableError(
        `Airflow instance "${this.config.name}" could not be reached for ${what}: ${error.message}`,
        502,
      );
    }
  }
}
