/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

export interface Config {
  crawlers?: {
    // `crawlers.airflow` (the Airflow instances) is declared by
    // @crawler-platform/plugin-crawlers-node, whose client reads it.
    /**
     * Caching of Airflow, Kubernetes and CodeCommit answers (in `coreServices.cache`, shared by backend replicas when
     * it is Redis or Valkey). Identical in-flight calls share one promise.
     */
    cache?: {
      /** How long DAG metadata stays fresh, in milliseconds. Default: 60000. */
      dagTtlMs?: number;
      /** How long DAG run lists stay fresh, in milliseconds. Default: 15000. */
      runsTtlMs?: number;
      /** How long task instance lists stay fresh, in milliseconds. Default: 15000. */
      taskInstancesTtlMs?: number;
      /** How long import errors stay fresh, in milliseconds. Default: 30000. */
      importErrorsTtlMs?: number;
      /** How long Kubernetes pod and event lists stay fresh, in milliseconds. Default: 5000. */
      podsTtlMs?: number;
      /** How long a Namespace read for its claim stays fresh, in milliseconds. Default: 30000. */
      namespacesTtlMs?: number;
      /** How long the git-sync pods and their logs stay fresh, in milliseconds. Default: 10000. */
      gitSyncTtlMs?: number;
      /** How long the Roles, RoleBindings and worker pod template the diagnosis reads stay fresh, in milliseconds. Default: 30000. */
      clusterConfigTtlMs?: number;
      /**
       * How long the logs the diagnosis reads (the scheduler's, failed workers', failed task tries') stay fresh, in
       * milliseconds. Default: 15000.
       */
      logsTtlMs?: number;
      /**
       * How long what the diagnosis reads from AWS (Fargate profiles, route tables, VPC endpoints, IAM role and ECR
       * repository policies) stays fresh, in milliseconds. Default: 60000.
       */
      awsTtlMs?: number;
      /**
       * How long a branch head read from CodeCommit (GetBranch) stays fresh, in milliseconds. Commits and differences
       * never change and are kept for `staleTtlMs`. Default: 10000.
       */
      repositoryHeadTtlMs?: number;
      /**
       * How long the last good answer is kept to be served, marked stale, when Airflow, Kubernetes or CodeCommit
       * fails, in milliseconds.
       * Default: 86400000 (24 h).
       */
      staleTtlMs?: number;
    };
    /** Limits of the trigger route. */
    trigger?: {
      /** Largest accepted `conf` object, in bytes of JSON. Default: 16384. */
      maxConfBytes?: number;
    };
    /** Calls to the Kubernetes API of the clusters in `crawlers.clusters`. */
    kubernetes?: {
      /** Timeout of each Kubernetes API call, in milliseconds; a late answer becomes a 504 section error. Default: 10000. */
      timeoutMs?: number;
    };
    /** AWS calls of the diagnosis (EKS, EC2, IAM, ECR), with the credentials and region of each cluster. */
    aws?: {
      /** Timeout of each AWS call, in milliseconds; a late answer becomes a section error. Default: 10000. */
      timeoutMs?: number;
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
      /** Pods read per list (the crawler's operator pods, its worker pods); more are reported as truncated. Default: 200. */
      maxPodsListed?: number;
      /** Pod events read per namespace (one list, matched to pods in memory). Default: 500. */
      maxEventsListed?: number;
      /** Events shown per pod, the most recent first. Default: 10. */
      maxEventsPerPod?: number;
      /** Pods whose git-sync log is read (scheduler and dag-processor replicas). Default: 5. */
      maxGitSyncPods?: number;
      /**
       * Lines of a git-sync container log read, from its end (`tailLines`). git-sync v4 logs only syncs and errors at
       * its default verbosity, so the last synced commit is in the tail. Default: 500.
       */
      maxGitSyncLogLines?: number;
      /**
       * Bytes of that tail read at most (`limitBytes`, a safety bound: the API server cuts the tail's end beyond it,
       * which the response reports as a warning). Default: 524288.
       */
      maxGitSyncLogBytes?: number;
      /**
       * Lines of the scheduler's log read from its end by the diagnosis (the 422 of worker pods without image).
       * Default: 2000.
       */
      maxSchedulerLogLines?: number;
      /** Lines kept from the end of a failed task try's log and of a failed worker's log. Default: 600. */
      maxDiagnosisLogLines?: number;
    };
  };
}
