/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

export interface Config {
  crawlers?: {
    /**
     * Defaults of every AWS client the scaffolder actions build (CodeCommit, ECR, CodeBuild, EKS, …). Credentials
     * come from the `aws` config of `@backstage/integration-aws-node` (`aws.mainAccount`, `aws.accounts`), else the
     * AWS SDK's default chain (environment, IRSA, instance role). Only the scaffolder actions read `region`,
     * `accountId`, `endpoint` and `endpoints`; the crawlers backend's diagnosis uses each cluster's own settings
     * (and `crawlers.aws.timeoutMs`).
     */
    aws?: {
      /** AWS region. Default: the SDK's default region (`AWS_REGION`). */
      region?: string;
      /** Account whose `aws.accounts` credentials are used. Default: the main account. */
      accountId?: string;
      /**
       * One endpoint URL for every AWS service (a local stand-in such as the sandbox, e.g. `http://127.0.0.1:4566`).
       * Default: each service's regional endpoint.
       */
      endpoint?: string;
      /**
       * Endpoint URL per service, keyed by the SDK's lower-case service id (`codecommit`, `ecr`, `codebuild`,
       * `eks`, `eventbridge`, `iam`, `ec2`, `sts`), e.g. a VPC endpoint; wins over `endpoint`. Default: none.
       */
      endpoints?: { [service: string]: string };
    };
    /** Settings of the scaffolder actions of `@crawler-platform/plugin-scaffolder-backend-module-crawlers`. */
    scaffolder?: {
      codecommit?: {
        /**
         * Base URL of CodeCommit's git Smart HTTP endpoint; `publish:codecommit` pushes to `<gitUrl>/v1/repos/<name>`
         * and signs the SigV4 git password for its host. Plain http is accepted only on the loopback interface.
         * Default: the repository's `cloneUrlHttp` (`https://git-codecommit.<region>.amazonaws.com`).
         */
        gitUrl?: string;
        /**
         * Base URL of the AWS console for the links the actions output (`remoteUrl`, `repoContentsUrl`, file and
         * pull request links). Default: the `integrations.awsCodeCommit` host of the region, else
         * `https://<region>.console.aws.amazon.com`.
         */
        consoleUrl?: string;
        /** Branch `publish:codecommit` pushes to when the template names none. Default: main. */
        defaultBranch?: string;
      };
      dagRepository?: {
        /**
         * How `crawlers:dag:publish` writes a DAG file into the DAG repository: `commit` (a commit on the branch
         * git-sync follows) or `pullRequest` (a commit on its own branch and a pull request into that branch, for
         * platforms that review every DAG change). Templates cannot override it. Default: commit.
         */
        publishMode?: 'commit' | 'pullRequest';
        /** Prefix of the pull request branches (`<prefix><file name without .py>`). Default: `crawlers/`. */
        pullRequestBranchPrefix?: string;
        /**
         * Attempts of a CreateCommit whose branch moved meanwhile (`ParentCommitIdOutdatedException`), 1–20.
         * Default: 5.
         */
        maxCommitAttempts?: number;
      };
      dagValidation?: {
        /** Python interpreter of `crawlers:dag:validate` (`<python> -m py_compile`). Default: python3. */
        python?: string;
        /** Time limit of the compilation, in milliseconds (at least 1000). Default: 30000. */
        timeoutMs?: number;
      };
    };
  };
}
