/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

export interface Config {
  crawlers?: {
    airflow?: {
      /**
       * Airflow instances the crawlers plugins talk to. Several may be configured; an entity picks one with the
       * `crawler-platform.io/airflow-instance` annotation, and the first one is the default.
       */
      instances: Array<{
        /** Unique name of the instance, referenced by the `crawler-platform.io/airflow-instance` annotation. */
        name: string;
        /**
         * Base URL of the Airflow webserver (Airflow 2) or api-server (Airflow 3), without `/api/v1` or
         * `/api/v2`, e.g. `https://airflow.example.com`.
         */
        baseUrl: string;
        /**
         * URL of the Airflow UI shown to users for links; defaults to `baseUrl`.
         */
        uiUrl?: string;
        /**
         * REST API version: `v1` (Airflow 2.x), `v2` (Airflow 3.x) or `auto`, which probes `/api/v2/version`
         * then `/api/v1/version` once and remembers the answer. Default: `auto`.
         */
        apiVersion?: 'auto' | 'v1' | 'v2';
        /**
         * How to authenticate. Default: no Authorization header.
         * - `basic`: HTTP Basic with username/password (Airflow 2 basic_auth backend).
         * - `password`: Airflow 3 JWT from `POST /auth/token` with username/password, refreshed on 401 and on expiry.
         * - `bearer`: a static bearer token.
         */
        auth?:
          | {
              type: 'basic';
              /** Airflow user name. */
              username: string;
              /**
               * Airflow password.
               * @visibility secret
               */
              password: string;
            }
          | {
              type: 'password';
              /** Airflow user name. */
              username: string;
              /**
               * Airflow password, exchanged for a JWT at `POST <baseUrl>/auth/token`.
               * @visibility secret
               */
              password: string;
            }
          | {
              type: 'bearer';
              /**
               * Static bearer token sent as `Authorization: Bearer <token>`.
               * @visibility secret
               */
              token: string;
            };
        /** Timeout of each request to this instance, in milliseconds. Default: 10000. */
        timeoutMs?: number;
      }>;
    };
  };
}
