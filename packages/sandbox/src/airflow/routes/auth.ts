/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import type { Express, Request } from 'express';
import jwt from 'jsonwebtoken';
import { ApiError, ValidationItem } from '../params';
import { ApiContext } from './context';

/** The API user and how its tokens are made. */
export type AuthOptions = {
  username: string;
  password: string;
  /** Signs the JWTs. */
  secret: string;
  /** JWT lifetime in seconds, on the instance's clock. */
  tokenExpirySeconds: number;
};

/** Why a request is refused: the `WWW-Authenticate` challenge and the error. */
type AuthFailure = { challenge: string; error: ApiError };

function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

/** Airflow 2's basic auth: `Authorization: Basic base64(user:password)`. */
function basicAuth(options: AuthOptions) {
  return (req: Request): AuthFailure | undefined => {
    const header = req.headers.authorization ?? '';
    const m = /^Basic\s+(.+)$/i.exec(header);
    const decoded = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
    const sep = decoded.indexOf(':');
    if (
      !m ||
      sep < 0 ||
      !safeEqual(decoded.slice(0, sep), options.username) ||
      !safeEqual(decoded.slice(sep + 1), options.password)
    ) {
      return {
        challenge: 'Basic',
        error: new ApiError(401, 'Unauthorized', 'Invalid credentials'),
      };
    }
    return undefined;
  };
}

/** Airflow 3's JWTs (HS512, audience `apache-airflow`, issuer the instance name), timed on the instance's clock. */
function jwtTokens(api: ApiContext, options: AuthOptions) {
  const clock = () => api.instance.clock.now();
  const issuer = api.instance.name;
  return {
    sign: () => {
      const iat = Math.floor(clock().getTime() / 1000);
      return jwt.sign(
        {
          sub: options.username,
          role: 'ADMIN',
          iat,
          nbf: iat,
          exp: iat + options.tokenExpirySeconds,
          jti: crypto.randomUUID(),
        },
        options.secret,
        { algorithm: 'HS512', audience: 'apache-airflow', issuer },
      );
    },
    verify: (token: string) =>
      jwt.verify(token, options.secret, {
        algorithms: ['HS512'],
        audience: 'apache-airflow',
        issuer,
        clockTimestamp: Math.floor(clock().getTime() / 1000),
      }),
  };
}

function bearerAuth(tokens: ReturnType<typeof jwtTokens>) {
  return (req: Request): AuthFailure | undefined => {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (!m) {
      return {
        challenge: 'Bearer',
        error: new ApiError(401, 'Unauthorized', 'Not authenticated'),
      };
    }
    try {
      tokens.verify(m[1].trim());
    } catch (e) {
      const expired = e instanceof jwt.TokenExpiredError;
      return {
        challenge: 'Bearer',
        error: new ApiError(
          401,
          'Unauthorized',
          expired ? 'Token has expired' : 'Invalid JWT token',
        ),
      };
    }
    return undefined;
  };
}

/** The problems of a `POST /auth/token` body (pydantic's messages). */
function tokenBodyProblems(body: any): ValidationItem[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return [
      {
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        input: body ?? null,
        v1: '',
      },
    ];
  }
  const problems: ValidationItem[] = [];
  for (const field of ['username', 'password']) {
    if (typeof body[field] !== 'string') {
      problems.push(
        body[field] === undefined
          ? {
              type: 'missing',
              loc: ['body', field],
              msg: 'Field required',
              input: body,
              v1: '',
            }
          : {
              type: 'string_type',
              loc: ['body', field],
              msg: 'Input should be a valid string',
              input: body[field],
              v1: '',
            },
      );
    }
  }
  return problems;
}

/**
 * Authentication of the API under the prefix (except its public paths): Basic auth (v1) or bearer JWTs (v2), with
 * `POST /auth/token` issuing them on v2.
 */
export function mountAuth(app: Express, api: ApiContext, options: AuthOptions) {
  const { dialect } = api;
  let authenticate = basicAuth(options);
  if (dialect.auth === 'jwt') {
    const tokens = jwtTokens(api, options);
    authenticate = bearerAuth(tokens);
    app.post(
      '/auth/token',
      api.wrap((req, res) => {
        const body = req.body;
        api.reject(tokenBodyProblems(body));
        if (
          !safeEqual(body.username, options.username) ||
          !safeEqual(body.password, options.password)
        ) {
          throw new ApiError(401, 'Unauthorized', 'Invalid credentials');
        }
        api.send(res, 201, { access_token: tokens.sign() });
      }),
    );
  }
  const publicPaths = new Set(dialect.publicPaths);
  app.use(dialect.prefix, (req, res, next) => {
    if (publicPaths.has(req.path)) {
      next();
      return;
    }
    const failure = authenticate(req);
    if (failure) {
      res.setHeader('WWW-Authenticate', failure.challenge);
      dialect.sendError(res, failure.error);
      return;
    }
    next();
  });
}
