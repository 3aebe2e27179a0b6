/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

export interface Config {
  crawlers?: {
    airflow?: {
      /**
       * Airflow instances behind the crawlers plugin. An entity picks one with the
       * `crawler-platform.io/airflow-instance` annotation; the first one is the default.
       * (The same schema ships with `@crawler-platform/plugin-crawlers-node`, which reads it.)
       */
      instances: Array<{
        /** Unique name of the instance, referenced by the `crawler-platform.io/airflow-instance` annotation. */
        name: string;
        /** Base URL of the Airflow webserver (Airflow 2) or api-server (Airflow 3), without `/api/v1` or `/api/v2`. */
        baseUrl: string;
        /**
         * URL of the Airflow UI for links; defaults to `baseUrl`.
         */
        uiUrl?: string;
        /**
         * REST API version: `v1` (Airflow 2.x), `v2` (Airflow 3.x) or `auto` (probe `/api/v2/version`, then
         * `/api/v1/version`, once). Default: `auto`.
         */
        apiVersion?: 'auto' | 'v1' | 'v2';
        /** Authentication; default: none. `basic` (Airflow 2), `password` (Airflow 3 JWT), `bearer` (static token). */
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
               * Static bearer token.
               * @visibility secret
               */
              token: string;
            };
        /** Timeout of each request to this instance, in milliseconds. Default: 10000. */
        timeoutMs?: number;
      }>;
    };
    /** Caching of Airflow answers (in `coreServices.cache`, shared by backend replicas when it is Redis or Valkey). */
    cache?: {
      /** How long DAG metadata stays fresh, in milliseconds. Default: 60000. */
      dagTtlMs?: number;
      /** How long DAG run lists stay fresh, in milliseconds. Default: 15000. */
      runsTtlMs?: number;
      /** How long task instance lists stay fresh, in milliseconds. Default: 15000. */
      taskInstancesTtlMs?: number;
      /** How long import errors stay fresh, in milliseconds. Default: 30000. */
      importErrorsTtlMs?: number;
      /**
       * How long the last good answer is kept to be served, marked stale, when Airflow fails, in milliseconds.
       * Default: 86400000 (24 h).
       */
      staleTtlMs?: number;
    };
    /** Limits of the trigger route. */
    trigger?: {
      /** Largest accepted `conf` object, in bytes of JSON. Default: 16384. */
      maxConfBytes?: number;
    };
  };
}
