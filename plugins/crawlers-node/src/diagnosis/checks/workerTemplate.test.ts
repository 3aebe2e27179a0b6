/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  container,
  DAG,
  healthyInput,
  pod,
  podTemplate,
} from '../__testUtils__/fixtures';
import {
  checkWorkerImageMissing,
  checkWorkerWithoutDags,
} from './workerTemplate';

const TEMPLATE = 'ConfigMap airflow/airflow-pod-template';

function template(change: (pod: any) => void) {
  const t = podTemplate() as any;
  change(t);
  return { object: TEMPLATE, key: 'pod_template_file.yaml', pod: t };
}

/** The scheduler's 422 (§9 row 3): Airflow 2's log format, the API message inside the ApiException's JSON body. */
const SCHEDULER_422_AIRFLOW2 = [
  `[2026-06-01T12:00:00.000+0000] {kubernetes_executor_utils.py:418} INFO - Creating kubernetes pod for job is TaskInstanceKey(dag_id='${DAG}', task_id='crawl', run_id='manual__2026-06-01T12:00:00+00:00', try_number=1, map_index=-1), with pod name shop-products-crawl-x1y2z3, annotations: <omitted>`,
  '[2026-06-01T12:00:00.010+0000] {kubernetes_executor_utils.py:449} ERROR - Exception when attempting to create Namespaced Pod: {…}',
  'kubernetes.client.exceptions.ApiException: (422)',
  'Reason: Unprocessable Entity',
  'HTTP response body: {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Pod \\"shop-products-crawl-x1y2z3\\" is invalid: spec.containers[0].image: Required value","reason":"Invalid","details":{"name":"shop-products-crawl-x1y2z3","kind":"Pod","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.containers[0].image"}]},"code":422}',
  "[2026-06-01T12:00:00.020+0000] {kubernetes_executor.py:398} ERROR - Pod creation failed with reason 'Unprocessable Entity'. Failing task",
];

/** The same in Airflow 3's structlog console format. */
const SCHEDULER_422_AIRFLOW3 = [
  `2026-06-01T12:00:00.000000Z [info     ] Creating kubernetes pod for job is TaskInstanceKey(dag_id='${DAG}', task_id='crawl', run_id='manual__2026-06-01T12:00:00+00:00', try_number=1, map_index=-1), with pod name shop-products-crawl-x1y2z3, annotations: <omitted> [airflow.providers.cncf.kubernetes.executors.kubernetes_executor_utils.AirflowKubernetesScheduler] loc=kubernetes_executor_utils.py:418`,
  'kubernetes.client.exceptions.ApiException: (422)',
  'HTTP response body: {"message":"Pod \\"shop-products-crawl-x1y2z3\\" is invalid: spec.containers[0].image: Required value"}',
  "2026-06-01T12:00:00.020000Z [error    ] Pod creation failed with reason 'Unprocessable Entity'. Failing task [airflow.providers.cncf.kubernetes.executors.kubernetes_executor.KubernetesExecutor] loc=kubernetes_executor.py:398",
];

describe('worker-image-missing', () => {
  it.each([
    ['Airflow 2', SCHEDULER_422_AIRFLOW2],
    ['Airflow 3', SCHEDULER_422_AIRFLOW3],
  ])(
    "should report the template's base without image, confirmed by the scheduler's 422 (%s log)",
    (_, lines) => {
      const result = checkWorkerImageMissing(
        healthyInput({
          podTemplate: template(t => delete t.spec.containers[0].image),
          schedulerLog: {
            pod: 'airflow-scheduler-6d5f7c9b8-abcde',
            container: 'scheduler',
            lines,
          },
        }),
      );
      const [finding] = result.findings;
      expect(finding).toMatchObject({
        id: 'worker-image-missing',
        severity: 'error',
        dagIds: [DAG],
      });
      expect(finding.evidence).toEqual([
        {
          object: TEMPLATE,
          where: 'data["pod_template_file.yaml"] spec.containers[base].image',
          text: 'not set',
        },
        {
          object: 'Pod airflow-scheduler-6d5f7c9b8-abcde',
          where: 'log of container scheduler',
          text: 'Pod "shop-products-crawl-x1y2z3" is invalid: spec.containers[0].image: Required value',
        },
        {
          object: 'Pod airflow-scheduler-6d5f7c9b8-abcde',
          where: 'log of container scheduler',
          text: "Pod creation failed with reason 'Unprocessable Entity'. Failing task",
        },
      ]);
      expect(finding.fix.snippet.language).toBe('yaml');
    },
  );

  it('should warn from the template alone before any task ran', () => {
    const result = checkWorkerImageMissing(
      healthyInput({
        podTemplate: template(t => (t.spec.containers[0].image = '')),
      }),
    );
    expect(result.findings[0].severity).toBe('warning');
  });

  it("should ignore another DAG's 422 lines", () => {
    const result = checkWorkerImageMissing(
      healthyInput({
        podTemplate: null,
        unavailable: { podTemplate: 'configmaps is forbidden' },
        schedulerLog: {
          pod: 'airflow-scheduler-6d5f7c9b8-abcde',
          container: 'scheduler',
          lines: SCHEDULER_422_AIRFLOW2.map(l => l.replace(DAG, 'other_dag')),
        },
      }),
    );
    expect(result.check).toEqual({
      id: 'worker-image-missing',
      status: 'unknown',
      reason: 'configmaps is forbidden',
    });
  });

  it('should treat old 422 lines as history once the template has an image', () => {
    const result = checkWorkerImageMissing(
      healthyInput({
        schedulerLog: {
          pod: 'airflow-scheduler-6d5f7c9b8-abcde',
          container: 'scheduler',
          lines: SCHEDULER_422_AIRFLOW2,
        },
      }),
    );
    expect(result.check.status).toBe('ok');
  });
});

describe('worker-without-dags', () => {
  const bare = () =>
    template(t => {
      delete t.spec.initContainers;
      delete t.spec.volumes;
      delete t.spec.containers[0].volumeMounts;
    });
  const failedWorker = (log: string[]) =>
    pod({
      name: 'shop-products-crawl-a1b2c3d4',
      namespace: 'airflow',
      kind: 'worker',
      phase: 'Failed',
      status: 'Error',
      nodeName: 'ip-10-0-1-23.eu-west-1.compute.internal',
      fargateProfile: null,
      schedulerName: 'default-scheduler',
      containers: [
        container({
          image: 'apache/airflow:2.10.0',
          state: 'terminated',
          reason: 'Error',
          exitCode: 1,
        }),
      ],
      volumes: [],
      volumeMounts: { base: [] },
      baseLog: log,
    });

  it.each([
    [
      'Airflow 2',
      [
        `[2026-06-01T12:00:01.000+0000] {dagbag.py:588} WARNING - Dag '${DAG}' not found in path /opt/airflow/dags/repo/shop_products.py; trying path /opt/airflow/dags/repo`,
        `airflow.exceptions.AirflowException: Dag '${DAG}' could not be found; either it does not exist or it failed to parse.`,
      ],
      `airflow.exceptions.AirflowException: Dag '${DAG}' could not be found; either it does not exist or it failed to parse.`,
    ],
    [
      'Airflow 3',
      [
        `{"timestamp": "2026-06-01T12:00:01.000000Z", "level": "error", "event": "Dag not found during start up", "dag_id": "${DAG}", "bundle": {"name": "dags-folder", "version": null}, "path": "shop_products.py", "logger": "task"}`,
      ],
      `{"timestamp": "2026-06-01T12:00:01.000000Z", "level": "error", "event": "Dag not found during start up", "dag_id": "${DAG}", "bundle": {"name": "dags-folder", "version": null}, "path": "shop_products.py", "logger": "task"}`,
    ],
  ])(
    'should report a template without git-sync-init and failed workers with %s\'s "DAG not found"',
    (_, log, quoted) => {
      const result = checkWorkerWithoutDags(
        healthyInput({ podTemplate: bare(), pods: [failedWorker(log)] }),
      );
      const [finding] = result.findings;
      expect(finding).toMatchObject({
        id: 'worker-without-dags',
        severity: 'error',
        dagIds: [DAG],
      });
      expect(finding.title).toBe(
        `Worker pods get no DAG files: ${TEMPLATE} has no git-sync-init init container, no dags volume, no dags mount in base`,
      );
      expect(finding.evidence[0]).toEqual({
        object: TEMPLATE,
        where:
          'data["pod_template_file.yaml"] spec.initContainers, spec.volumes, spec.containers[base].volumeMounts',
        text: 'no git-sync-init init container; no dags volume; no dags mount in base',
      });
      expect(finding.evidence).toContainEqual({
        object: 'Pod airflow/shop-products-crawl-a1b2c3d4',
        where: 'log of container base',
        text: quoted,
      });
    },
  );

  it('should accept a shared DAGs volume when git-sync is not used', () => {
    const result = checkWorkerWithoutDags(
      healthyInput({
        podTemplate: bare(),
        gitSync: { ...healthyInput().gitSync!, pods: [] },
      }),
    );
    expect(result.check.status).toBe('ok');
  });

  it('should treat failed workers as history once the template has git-sync-init and the dags volume', () => {
    const result = checkWorkerWithoutDags(
      healthyInput({
        pods: [
          failedWorker([
            `airflow.exceptions.AirflowException: Dag '${DAG}' could not be found; either it does not exist or it failed to parse.`,
          ]),
        ],
      }),
    );
    expect(result.check.status).toBe('ok');
  });

  it('should not mistake a failed worker that had its DAGs for this failure', () => {
    const result = checkWorkerWithoutDags(
      healthyInput({
        podTemplate: null,
        unavailable: { podTemplate: 'not found' },
        pods: [
          {
            ...failedWorker([]),
            containers: [
              container({
                name: 'git-sync-init',
                init: true,
                state: 'terminated',
                exitCode: 0,
              }),
              container({ state: 'terminated', exitCode: 1 }),
            ],
            volumes: ['dags'],
            volumeMounts: { base: ['dags'] },
          },
        ],
      }),
    );
    expect(result.findings).toEqual([]);
  });
});
