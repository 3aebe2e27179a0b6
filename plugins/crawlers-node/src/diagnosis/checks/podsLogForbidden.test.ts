/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  healthyInput,
  NS,
  PODS_LOG_403,
  PODS_LOG_403_BODY,
  rbac,
  taskLog,
} from '../__testUtils__/fixtures';
import { checkPodsLogForbidden } from './podsLogForbidden';

/** The Role of the seed post before the fix: pods rules only. */
const withoutPodsLog = () =>
  rbac({
    roles: [
      {
        kind: 'Role',
        name: 'airflow-pod-runner',
        rules: [
          {
            apiGroups: [''],
            resources: ['pods'],
            verbs: ['create', 'get', 'list', 'watch', 'delete', 'patch'],
          },
          { apiGroups: [''], resources: ['events'], verbs: ['list'] },
        ],
      },
    ],
  });

/** The task log of §9 row 2: the 403 inside the traceback, the last line "returned a failure". */
const refusedLog = (body: string) =>
  taskLog([
    'Traceback (most recent call last):',
    'kubernetes.client.exceptions.ApiException: (403)',
    'Reason: Forbidden',
    "HTTP response headers: HTTPHeaderDict({'Audit-Id': 'x', 'Content-Type': 'application/json'})",
    body,
    '',
    'During handling of the above exception, another exception occurred:',
    'airflow.exceptions.AirflowException: Pod shop-crawler-x7k2p returned a failure.',
    "remote_pod: {'api_version': 'v1', 'kind': 'Pod', 'status': {'container_statuses': [{'state': {'terminated': {'exit_code': 0}}}]}}",
  ]);

describe('pods-log-forbidden', () => {
  it('should predict the 403 from a Role without pods/log, with the Role to apply', () => {
    const result = checkPodsLogForbidden(
      healthyInput({ rbac: withoutPodsLog() }),
    );
    expect(result.check.status).toBe('finding');
    const [finding] = result.findings;
    expect(finding).toMatchObject({
      id: 'pods-log-forbidden',
      severity: 'error',
      variant: 'predicted',
      title: `ServiceAccount airflow/airflow-worker may not get pods/log in namespace ${NS}`,
    });
    expect(finding.evidence[0].object).toBe(
      `Role airflow-pod-runner (namespace ${NS})`,
    );
    expect(finding.fix.snippet).toEqual({
      language: 'yaml',
      code: [
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: Role',
        'metadata:',
        '  name: airflow-pod-runner',
        `  namespace: ${NS}`,
        'rules:',
        '  - apiGroups: [""]',
        '    resources: [pods]',
        '    verbs: [create, get, list, watch, delete, patch]',
        '  - apiGroups: [""]',
        '    resources: [events]',
        '    verbs: [list]',
        '  - apiGroups: [""]',
        '    resources: [pods/log]',
        '    verbs: [get]',
      ].join('\n'),
    });
  });

  it.each([
    [
      'as the JSON body of the ApiException (escaped quotes)',
      PODS_LOG_403_BODY,
    ],
    ['as plain text', PODS_LOG_403],
  ])('should confirm it with the refusal in the task log %s', (_, body) => {
    const result = checkPodsLogForbidden(
      healthyInput({ rbac: withoutPodsLog(), taskLogs: [refusedLog(body)] }),
    );
    const [finding] = result.findings;
    expect(finding.variant).toBe('refused');
    expect(finding.dagIds).toEqual(['shop_products']);
    expect(finding.evidence[0]).toEqual({
      object:
        'Task log shop_products manual__2026-06-01T12:00:00+00:00 crawl try 1',
      where: 'task log: ApiException (403) Forbidden',
      text: PODS_LOG_403,
    });
  });

  it("should read the refusal inside one of Airflow 3's structured log events (a whole traceback in one message)", () => {
    const event = refusedLog(PODS_LOG_403_BODY).lines.join('\n');
    const result = checkPodsLogForbidden(
      healthyInput({ rbac: withoutPodsLog(), taskLogs: [taskLog([event])] }),
    );
    expect(result.findings[0].variant).toBe('refused');
  });

  it('should report the task log alone when the Roles cannot be read', () => {
    const result = checkPodsLogForbidden(
      healthyInput({
        rbac: null,
        unavailable: { rbac: 'roles is forbidden' },
        taskLogs: [refusedLog(PODS_LOG_403_BODY)],
      }),
    );
    expect(result.findings[0].title).toBe(
      `ServiceAccount airflow/airflow-worker may not get pods/log in namespace ${NS}`,
    );
    expect(result.findings[0].fix.snippet.code).toContain('kind: RoleBinding');
  });

  it('should treat an old refusal as history once the Role grants pods/log', () => {
    const result = checkPodsLogForbidden(
      healthyInput({ taskLogs: [refusedLog(PODS_LOG_403_BODY)] }),
    );
    expect(result.check.status).toBe('ok');
  });

  it('should warn about missing list events and patch pods (provider 10.6+ start-up, cleanup)', () => {
    const result = checkPodsLogForbidden(
      healthyInput({
        rbac: rbac({
          roles: [
            {
              kind: 'Role',
              name: 'airflow-pod-runner',
              rules: [
                {
                  apiGroups: [''],
                  resources: ['pods'],
                  verbs: ['create', 'get', 'list', 'delete'],
                },
                { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
              ],
            },
          ],
        }),
      }),
    );
    expect(result.findings[0]).toMatchObject({
      severity: 'warning',
      title: `ServiceAccount airflow/airflow-worker may not list events, patch pods in namespace ${NS}`,
    });
  });

  it('should count a binding of the service accounts group and wildcard rules', () => {
    const result = checkPodsLogForbidden(
      healthyInput({
        rbac: rbac({
          roles: [
            {
              kind: 'ClusterRole',
              name: 'edit',
              rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
            },
          ],
          bindings: [
            {
              name: 'airflow-edit',
              roleRef: { kind: 'ClusterRole', name: 'edit' },
              subjects: [
                { kind: 'Group', name: 'system:serviceaccounts:airflow' },
              ],
            },
          ],
        }),
      }),
    );
    expect(result.check.status).toBe('ok');
  });

  it('should stay unknown when a bound ClusterRole cannot be read', () => {
    const result = checkPodsLogForbidden(
      healthyInput({
        rbac: rbac({
          roles: [],
          bindings: [
            {
              name: 'airflow-edit',
              roleRef: { kind: 'ClusterRole', name: 'edit' },
              subjects: [
                {
                  kind: 'ServiceAccount',
                  name: 'airflow-worker',
                  namespace: 'airflow',
                },
              ],
            },
          ],
          unreadableClusterRoles: ['edit'],
        }),
      }),
    );
    expect(result.check).toMatchObject({ status: 'unknown' });
  });

  it('should find nothing for the Role the fix asks for', () => {
    expect(checkPodsLogForbidden(healthyInput()).findings).toEqual([]);
  });
});
