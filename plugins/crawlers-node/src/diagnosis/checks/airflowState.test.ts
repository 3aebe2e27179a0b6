/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  container,
  DAG,
  healthyInput,
  NS,
  pod,
  taskLog,
} from '../__testUtils__/fixtures';
import { checkFinishedPods, checkImportError } from './airflowState';

describe('finished-pods', () => {
  const finished = (name: string, phase: string) =>
    pod({
      name,
      phase,
      status: phase === 'Succeeded' ? 'Completed' : 'Error',
      nodeName: `fargate-ip-10-0-12-${name.length}.eu-west-1.compute.internal`,
      containers: [
        container({
          state: 'terminated',
          exitCode: phase === 'Succeeded' ? 0 : 1,
        }),
      ],
    });

  it('should report finished operator pods on their own Fargate nodes, with the label selector to delete them', () => {
    const result = checkFinishedPods(
      healthyInput({
        pods: [
          finished('shop-crawler-a', 'Succeeded'),
          finished('shop-crawler-bb', 'Failed'),
        ],
        taskLogs: [
          taskLog([
            '[2026-06-01T12:00:09.000+0000] {pod.py:1123} INFO - Skipping deleting pod: shop-crawler-a',
          ]),
        ],
      }),
    );
    const [finding] = result.findings;
    expect(finding).toMatchObject({
      id: 'finished-pods',
      severity: 'warning',
      title: `2 finished KubernetesPodOperator pod(s) of this crawler are left in ${NS}`,
      dagIds: [DAG],
    });
    expect(finding.evidence[0]).toEqual({
      object: `Pod ${NS}/shop-crawler-a`,
      where: 'status.phase, spec.nodeName',
      text: 'Succeeded on node fargate-ip-10-0-12-14.eu-west-1.compute.internal, created 60 s ago',
    });
    expect(finding.evidence[2].text).toContain(
      'Skipping deleting pod: shop-crawler-a',
    );
    expect(finding.fix.snippet.code).toContain(
      `kubectl delete pods --namespace ${NS} -l 'kubernetes_pod_operator=True,dag_id in (shop_products)'`,
    );
  });

  it('should not count failed worker pods or running operator pods', () => {
    const result = checkFinishedPods(
      healthyInput({
        pods: [
          pod(),
          { ...finished('shop-products-crawl-1', 'Failed'), kind: 'worker' },
        ],
      }),
    );
    expect(result.check.status).toBe('ok');
  });
});

describe('import-error', () => {
  const trace = [
    'Traceback (most recent call last):',
    '  File "<frozen importlib._bootstrap>", line 241, in _call_with_frames_removed',
    '  File "/opt/airflow/dags/repo/dags/shop_products.py", line 19',
    '    env_vars={"TARGET_URL": "https://example.com/shop",',
    '             ^',
    "SyntaxError: '{' was never closed",
  ].join('\n');

  it.each([
    [
      'v1 (full path, no bundle)',
      {
        id: 1,
        filename: '/opt/airflow/dags/repo/dags/shop_products.py',
        timestamp: '2026-06-01T12:00:00+00:00',
        stackTrace: trace,
        bundleName: null,
      },
      'Import error /opt/airflow/dags/repo/dags/shop_products.py',
    ],
    [
      'v2 (relative to the bundle)',
      {
        id: 1,
        filename: 'shop_products.py',
        timestamp: '2026-06-01T12:00:00Z',
        stackTrace: trace,
        bundleName: 'dags-folder',
      },
      'Import error shop_products.py (bundle dags-folder)',
    ],
  ])('should report the import error of %s', (_, importError, object) => {
    const result = checkImportError(
      healthyInput({
        importErrors: [importError],
        dags: [{ dagId: DAG, hasImportErrors: true }],
      }),
    );
    const [finding] = result.findings;
    expect(finding).toMatchObject({
      id: 'import-error',
      severity: 'error',
      dagIds: [DAG],
    });
    expect(finding.summary).toContain("SyntaxError: '{' was never closed");
    expect(finding.evidence[0].object).toBe(object);
    expect(finding.evidence[0].text).toMatch(
      /^Traceback \(most recent call last\):/,
    );
    expect(finding.evidence[1]).toEqual({
      object: `DAG ${DAG}`,
      where: 'has_import_errors',
      text: 'true',
    });
    expect(finding.fix.snippet.code).toContain(
      'python -m py_compile dags/shop_products.py'.replace(
        'dags/shop_products.py',
        importError.filename.replace('/opt/airflow/dags/repo/', ''),
      ),
    );
  });

  it('should find nothing without import errors', () => {
    expect(checkImportError(healthyInput()).check.status).toBe('ok');
  });
});
