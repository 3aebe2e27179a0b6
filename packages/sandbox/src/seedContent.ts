/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { SANDBOX_ACCOUNT_ID, SANDBOX_REGION } from './constants';

/** An example crawler of the seeded world. */
export type SeedCrawler = {
  /** Catalog name, CodeCommit and ECR repository name. */
  name: string;
  namespace: string;
  serviceAccount: string;
  dagId: string;
  description: string;
  targetUrl: string;
  /** Whether the Role for Airflow's worker grants `pods/log` (price-crawler's does not). */
  podsLogRule: boolean;
  /** The Airflow instance that runs the crawler's DAG: its DAG files live in that instance's folder. */
  airflow: 'airflow2' | 'airflow3';
  /** The DAG's schedule. */
  schedule: string;
};

/** The two example crawlers of the catalog. */
export const SEED_CRAWLERS: SeedCrawler[] = [
  {
    name: 'news-crawler',
    namespace: 'crawler-news',
    serviceAccount: 'news-crawler',
    dagId: 'news_crawler',
    description: 'Crawls news sites every day',
    targetUrl: 'https://example.com/news',
    podsLogRule: true,
    airflow: 'airflow2',
    schedule: '@daily',
  },
  {
    name: 'price-crawler',
    namespace: 'crawler-price',
    serviceAccount: 'price-crawler',
    dagId: 'price_crawler',
    description: 'Crawls shop prices every hour',
    targetUrl: 'https://example.com/shop',
    podsLogRule: false,
    airflow: 'airflow3',
    schedule: '@hourly',
  },
];

/**
 * The DAG tag that confirms a catalog entity's claim on a DAG (`backstage:<entity ref>`, lower-cased; the
 * crawlers-node `dagClaimTag` also shortens refs longer than 90 characters, which the seeded names are not).
 */
export function claimTag(crawler: string, namespace = 'default'): string {
  return `backstage:component:${namespace}/${crawler}`.toLowerCase();
}

/** The ECR image URI of a crawler. */
export function imageUri(name: string, tag = 'latest'): string {
  return `${SANDBOX_ACCOUNT_ID}.dkr.ecr.${SANDBOX_REGION}.amazonaws.com/${name}:${tag}`;
}

/**
 * A crawler DAG file following the sandbox's static rule (literal keyword arguments of `with DAG(...)` and
 * `KubernetesPodOperator(...)`), the same shape the crawler template generates.
 */
export function crawlerDag(options: {
  dagId: string;
  crawler: string;
  namespace: string;
  serviceAccount: string;
  schedule: string;
  targetUrl: string;
  description: string;
}): string {
  return `"""${options.description}. Generated for the crawler ${
    options.crawler
  }."""
from datetime import datetime

from airflow import DAG
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator

with DAG(
    dag_id="${options.dagId}",
    description="${options.description}",
    schedule="${options.schedule}",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    is_paused_upon_creation=False,
    tags=["crawler", "${claimTag(options.crawler)}"],
    default_args={"owner": "crawler-team", "retries": 0},
) as dag:
    crawl = KubernetesPodOperator(
        task_id="crawl",
        name="${options.crawler}",
        namespace="${options.namespace}",
        image="${imageUri(options.crawler)}",
        service_account_name="${options.serviceAccount}",
        labels={"app.kubernetes.io/name": "${options.crawler}", "crawler": "${
    options.crawler
  }"},
        env_vars={"TARGET_URL": "${options.targetUrl}"},
        on_finish_action="delete_pod",
        get_logs=True,
    )
`;
}

/** A seeded crawler's DAG file (`<dag_id>.py`). */
function seedCrawlerDag(crawler: SeedCrawler): string {
  return crawlerDag({
    dagId: crawler.dagId,
    crawler: crawler.name,
    namespace: crawler.namespace,
    serviceAccount: crawler.serviceAccount,
    schedule: crawler.schedule,
    targetUrl: crawler.targetUrl,
    description: crawler.description,
  });
}

/**
 * A hand-edited backfill DAG of price-crawler with an unclosed bracket: it does not compile, so Airflow records an
 * import error for it. It keeps the crawler's claim tag.
 */
function priceBackfillDag(price: SeedCrawler): string {
  return `"""Backfill of ${price.name} for January."""
from datetime import datetime

from airflow import DAG
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator

with DAG(
    dag_id="price_crawler_backfill",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    tags=["crawler", "backfill", "${claimTag(price.name)}"],
    default_args={"owner": "crawler-team"},
) as dag:
    backfill = KubernetesPodOperator(
        task_id="backfill",
        name="${price.name}-backfill",
        namespace="${price.namespace}",
        image="${imageUri(price.name)}",
        env_vars={"TARGET_URL": "${price.targetUrl}", "FROM": "2026-01-01",
`;
}

/**
 * The seeded DAG files in one folder (`<folder>/<file>`): both crawler DAGs and the broken backfill file, as one
 * Airflow loading all of them would see them (single-instance tests).
 */
export function crawlerDagFiles(folder = 'dags'): Record<string, string> {
  const [news, price] = SEED_CRAWLERS;
  return {
    [`${folder}/${news.dagId}.py`]: seedCrawlerDag(news),
    [`${folder}/${price.dagId}.py`]: seedCrawlerDag(price),
    [`${folder}/price_crawler_backfill.py`]: priceBackfillDag(price),
  };
}

/**
 * The files of the shared DAG repository `airflow-dags`: one folder per Airflow instance (the chart's
 * `dags.gitSync.subPath`), so a DAG belongs to one Airflow — `airflow2/news_crawler.py` (news-crawler runs on
 * Airflow 2), `airflow3/price_crawler.py` and `airflow3/price_crawler_backfill.py` (price-crawler on Airflow 3).
 */
export function dagRepositoryFiles(): Record<string, string> {
  const files: Record<string, string> = {
    'README.md':
      '# airflow-dags\n\nShared DAG repository synced by git-sync. Each Airflow loads only its own folder ' +
      '(`dags.gitSync.subPath`): `airflow2/` for Airflow 2, `airflow3/` for Airflow 3.\n',
  };
  for (const crawler of SEED_CRAWLERS) {
    files[`${crawler.airflow}/${crawler.dagId}.py`] = seedCrawlerDag(crawler);
  }
  const price = SEED_CRAWLERS.find(c => c.name === 'price-crawler')!;
  files[`${price.airflow}/price_crawler_backfill.py`] = priceBackfillDag(price);
  return files;
}

/** The files of a crawler's own code repository (built into its image by the CodeBuild stand-in). */
export function crawlerRepositoryFiles(
  crawler: SeedCrawler,
): Record<string, string> {
  return {
    'README.md': `# ${crawler.name}\n\n${crawler.description}. Runs as the Airflow DAG \`${crawler.dagId}\`.\n`,
    'crawler.py': `"""${crawler.description}."""
import os
import sys


def main() -> int:
    target = os.environ.get("TARGET_URL", "${crawler.targetUrl}")
    print(f"crawling {target}")
    print("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
`,
    Dockerfile: `FROM public.ecr.aws/docker/library/python:3.12-slim
WORKDIR /app
COPY crawler.py .
CMD ["python", "crawler.py"]
`,
    'buildspec.yml': `version: 0.2
env:
  variables:
    IMAGE_REPO_NAME: ${crawler.name}
phases:
  pre_build:
    commands:
      - aws ecr get-login-password | docker login --username AWS --password-stdin $REPOSITORY_URI
  build:
    commands:
      - docker build -t $REPOSITORY_URI:latest .
  post_build:
    commands:
      - docker push $REPOSITORY_URI:latest
`,
  };
}
