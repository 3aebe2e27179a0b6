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
        /**
         * Requests in flight to this instance at most (1-64); further requests wait their turn, so that no caller
         * can multiply the load on Airflow. Default: 8.
         */
        maxConcurrentRequests?: number;
        /**
         * How an entity's claim on a DAG is confirmed.
         * - `tag` (default): the DAG must carry the tag `backstage:<entity ref>` (lower-cased; refs longer than 90
         *   characters are shortened with a hash, see the crawlers-node README). Without it the entity sees no data
         *   of the DAG and cannot trigger or pause it.
         * - `annotation`: the entity's `crawler-platform.io/dag-ids` annotation alone is trusted. RISK: anyone who
         *   can register an entity can then read and control any DAG of this instance with its credentials; use it
         *   only when every writer of the catalog and of the DAG repository is trusted.
         */
        claims?: 'tag' | 'annotation';
        /**
         * The DAG repository this instance follows with git-sync. Needed to show import errors of files that
         * never parsed: such a file is shown to an entity that names it (`crawler-platform.io/dag-files`) when its
         * source on `branch` carries the entity's claim tag (read with CodeCommit GetFile, credentials from the
         * `aws` integration config).
         */
        dagRepository?: {
          /** Only `codecommit`. Default: codecommit. */
          type?: 'codecommit';
          /** CodeCommit repository name. */
          repositoryName: string;
          /** The branch git-sync follows (the chart's dags.gitSync.branch and ref). Default: main. */
          branch?: string;
          /** AWS region of the repository. Default: the AWS SDK's default region. */
          region?: string;
          /** AWS account of the repository, for credentials from `aws.accounts`. Default: the main account. */
          accountId?: string;
          /** AWS endpoint URL override (a VPC endpoint or a local stand-in). Default: the SDK's endpoint. */
          endpoint?: string;
          /** The chart's dags.gitSync.subPath: the repository folder Airflow reads DAGs from. Default: '' (root). */
          subPath?: string;
          /** The chart's dags.mountPath; absolute DAG file paths start with `<mountPath>/repo/`. Default: /opt/airflow/dags. */
          mountPath?: string;
        };
        /**
         * Where this Airflow runs, for the crawler's pods and git-sync status: a cluster of `crawlers.clusters`
         * (or of `kubernetes.clusterLocatorMethods`), the namespace of Airflow's pods and the Helm release whose
         * `release` label they carry.
         */
        kubernetes?: {
          /** Name of the cluster. */
          cluster: string;
          /** Namespace of the scheduler, dag-processor and worker pods. Default: airflow. */
          namespace?: string;
          /** The Helm release name (pod label `release`). Default: airflow. */
          release?: string;
        };
      }>;
    };
    /**
     * Kubernetes clusters the crawlers plugins reach (EKS with IAM tokens, or a kubeconfig file). Clusters of the
     * Kubernetes plugin's `kubernetes.clusterLocatorMethods` (type `config`, `authProvider: aws`) are read too.
     */
    clusters?: Array<
      | {
          type: 'eks';
          /** Name the Airflow instances refer to. */
          name: string;
          /** AWS region of the cluster. */
          region: string;
          /** The EKS cluster name. */
          clusterName: string;
          /** Account whose `aws.accounts` credentials are used. Default: the main account. */
          accountId?: string;
          /** IAM role assumed before talking to EKS and signing tokens. */
          assumeRole?: string;
          /** External id of `assumeRole`. */
          externalId?: string;
          /** AWS endpoint for EKS and STS (a VPC endpoint or a local stand-in). Default: the SDK's endpoints. */
          endpoint?: string;
        }
      | {
          type: 'kubeconfig';
          /** Name the Airflow instances refer to. */
          name: string;
          /** Path of the kubeconfig file. */
          file: string;
          /** The context to use. Default: the file's current context. */
          context?: string;
        }
    >;
  };
}
