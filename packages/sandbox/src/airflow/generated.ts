/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Source of the i-th generated benchmark DAG. Generated DAGs live in memory only (they are never written to the
 * synced repository); each is read by the same static rule as real files. The template is syntax-checked once
 * at start-up (see startup/compiler.ts). `relative` is the path inside the DAG bundle (the instance's dags folder).
 */
export function generatedDagSource(i: number): {
  dagId: string;
  relative: string;
  taskName: string;
  source: string;
} {
  const n = String(i).padStart(5, '0');
  const dagId = `generated_dag_${n}`;
  const source = `from datetime import datetime

from airflow import DAG
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator

with DAG(
    dag_id="${dagId}",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    tags=["generated"],
    default_args={"owner": "sandbox"},
) as dag:
    KubernetesPodOperator(
        task_id="crawl",
        name="generated-${n}",
        namespace="crawler-generated",
        image="000000000000.dkr.ecr.eu-west-1.amazonaws.com/generated-crawler:latest",
        get_logs=True,
    )
`;
  return {
    dagId,
    relative: `generated/${dagId}.py`,
    taskName: `generated-${n}`,
    source,
  };
}
