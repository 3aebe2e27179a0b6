/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

export interface Config {
  crawlers?: {
    // `crawlers.airflow` (the Airflow instances) is declared by
    // @crawler-platform/plugin-crawlers-node, whose client reads it.
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
    /** Limits on what one caller can multiply. */
    limits?: {
      /**
       * DAG ids (and DAG files) one entity may name; an entity with more answers 400 naming this limit. Default: 20.
       */
      maxDagIdsPerEntity?: number;
      /**
       * Largest `offset` of the runs route. Page sizes are 10, 25, 50 or 100 and offsets multiples of the page size;
       * pages beyond the tenth are read from Airflow without being cached. Default: 10000.
       */
      maxRunsOffset?: number;
      /** Largest task log chunk returned, in bytes of log text; longer chunks are cut with a note. Default: 1048576. */
      maxLogChunkBytes?: number;
      /** Largest JSON request body accepted, in bytes. Default: 65536. */
      maxRequestBodyBytes?: number;
    };
  };
}
