/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { parseDagFile } from './dagFile';

const NEWS = `from datetime import datetime

from airflow import DAG
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from kubernetes.client import models as k8s

DEFAULT_ARGS = {"owner": "crawler-team", "retries": 0}

with DAG(
    dag_id="news_crawler",
    description="Crawls news sites",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    tags=["crawler", "news"],
    default_args=DEFAULT_ARGS,
    is_paused_upon_creation=False,
) as dag:
    crawl = KubernetesPodOperator(
        task_id="crawl",
        name="news-crawler",
        namespace="crawler-news",
        image="000000000000.dkr.ecr.eu-west-1.amazonaws.com/news-crawler:latest",
        service_account_name="news-crawler",
        labels={"app": "news-crawler"},
        env_vars={"TARGET_URL": "https://example.com/news", "MAX_PAGES": 50},
        image_pull_secrets=[k8s.V1LocalObjectReference("ecr-pull")],
        on_finish_action="delete_succeeded_pod",
        get_logs=True,
    )
`;

describe('parseDagFile', () => {
  it('should read dag_id, schedule, tags, owner and KubernetesPodOperator arguments from literal keywords', () => {
    const { dags, error } = parseDagFile(NEWS, { airflowMajor: 3 });
    expect(error).toBeUndefined();
    expect(dags).toHaveLength(1);
    const dag = dags[0];
    expect(dag).toMatchObject({
      dag_id: 'news_crawler',
      description: 'Crawls news sites',
      schedule: { kind: 'cron', expression: '@daily' },
      start_date: '2026-01-01T00:00:00.000Z',
      catchup: false,
      is_paused_upon_creation: false,
      tags: ['crawler', 'news'],
      owners: ['crawler-team'],
    });
    expect(dag.tasks[0]).toEqual({
      task_id: 'crawl',
      owner: 'crawler-team',
      retries: 0,
      retry_delay_seconds: 300,
      kpo: {
        namespace: 'crawler-news',
        image:
          '000000000000.dkr.ecr.eu-west-1.amazonaws.com/news-crawler:latest',
        name: 'news-crawler',
        labels: { app: 'news-crawler' },
        env_vars: { TARGET_URL: 'https://example.com/news', MAX_PAGES: '50' },
        service_account_name: 'news-crawler',
        image_pull_secrets: ['ecr-pull'],
        on_finish_action: 'delete_succeeded_pod',
        get_logs: true,
        cmds: [],
        arguments: [],
        startup_timeout_seconds: 120,
        schedule_timeout_seconds: 120,
      },
    });
  });

  it('should reject schedule_interval on Airflow 3 as Airflow 3 does', () => {
    const source = NEWS.replace(
      'schedule="@daily"',
      'schedule_interval="@daily"',
    );
    expect(parseDagFile(source, { airflowMajor: 3 }).error).toMatch(
      /unexpected keyword argument 'schedule_interval'/,
    );
    expect(parseDagFile(source, { airflowMajor: 2 }).dags[0].schedule).toEqual({
      kind: 'cron',
      expression: '@daily',
    });
  });

  it('should use each version default schedule and catchup when they are not given', () => {
    const source = NEWS.replace('schedule="@daily",', '').replace(
      'catchup=False,',
      '',
    );
    expect(parseDagFile(source, { airflowMajor: 2 }).dags[0]).toMatchObject({
      schedule: { kind: 'interval', seconds: 86400 },
      catchup: true,
    });
    expect(parseDagFile(source, { airflowMajor: 3 }).dags[0]).toMatchObject({
      schedule: { kind: 'none' },
      catchup: false,
    });
  });

  it('should skip files without the words airflow and dag (DAG discovery safe mode)', () => {
    expect(parseDagFile('print("hello")\n', { airflowMajor: 2 })).toEqual({
      dags: [],
    });
  });

  it('should report a missing dag_id, a duplicate task id and a bad on_finish_action as import errors', () => {
    expect(
      parseDagFile(NEWS.replace('dag_id="news_crawler",', ''), {
        airflowMajor: 2,
      }).error,
    ).toMatch(/missing 1 required positional argument: 'dag_id'/);
    const twice = NEWS.replace(
      '    )\n',
      '    )\n    again = KubernetesPodOperator(task_id="crawl", image="x")\n',
    );
    expect(parseDagFile(twice, { airflowMajor: 2 }).error).toMatch(
      /Task id 'crawl' has already been added/,
    );
    expect(
      parseDagFile(
        NEWS.replace('"delete_succeeded_pod"', '"delete_everything"'),
        { airflowMajor: 2 },
      ).error,
    ).toMatch(/'delete_everything' is not a valid OnFinishAction/);
  });

  it('should read a positional dag_id, timedelta schedules and V1EnvVar lists', () => {
    const source = `import datetime
from airflow.models import DAG
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
dag = DAG("hourly_job", schedule=datetime.timedelta(hours=2), start_date=datetime.datetime(2026, 2, 3))
t = KubernetesPodOperator(task_id="t", dag=dag, image="busybox", env_vars=[k8s.V1EnvVar(name="A", value="1")], image_pull_secrets="a, b")
`;
    const [dag] = parseDagFile(source, { airflowMajor: 2 }).dags;
    expect(dag.dag_id).toBe('hourly_job');
    expect(dag.schedule).toEqual({ kind: 'interval', seconds: 7200 });
    expect(dag.start_date).toBe('2026-02-03T00:00:00.000Z');
    expect(dag.tasks[0].kpo.env_vars).toEqual({ A: '1' });
    expect(dag.tasks[0].kpo.image_pull_secrets).toEqual(['a', 'b']);
    expect(dag.owners).toEqual(['airflow']);
  });
});
