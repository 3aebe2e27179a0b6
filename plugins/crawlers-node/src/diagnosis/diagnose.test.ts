/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { CRAWLERS_FINDING_IDS } from '@crawler-platform/plugin-crawlers-common';
import { event, healthyInput, pod, rbac } from './__testUtils__/fixtures';
import { diagnoseCrawler, diagnosisChecks } from './diagnose';

describe('diagnoseCrawler', () => {
  it('should run one check per finding id, in order, and find nothing for a healthy crawler', () => {
    const result = diagnoseCrawler(healthyInput());
    expect(result.findings).toEqual([]);
    expect(result.checks.map(c => c.id)).toEqual([...CRAWLERS_FINDING_IDS]);
    expect(result.checks.every(c => c.status === 'ok')).toBe(true);
    expect(Object.keys(diagnosisChecks)).toEqual([...CRAWLERS_FINDING_IDS]);
  });

  it('should ignore the LoggingDisabled warning every Fargate pod without aws-logging gets', () => {
    const result = diagnoseCrawler(
      healthyInput({
        pods: [
          pod({
            phase: 'Pending',
            status: 'Pending',
            events: [
              event({
                type: 'Warning',
                reason: 'LoggingDisabled',
                origin: 'fargate-scheduler',
                message:
                  'Disabled logging because aws-logging configmap was not found. configmap "aws-logging" not found',
              }),
            ],
          }),
        ],
      }),
    );
    expect(result.findings).toEqual([]);
  });

  it('should put errors before warnings', () => {
    const result = diagnoseCrawler(
      healthyInput({
        // a warning (missing list events) and an error (an import error)
        rbac: rbac({
          roles: [
            {
              kind: 'Role',
              name: 'airflow-pod-runner',
              rules: [
                {
                  apiGroups: [''],
                  resources: ['pods', 'pods/log'],
                  verbs: ['create', 'get', 'list', 'delete', 'patch'],
                },
              ],
            },
          ],
        }),
        importErrors: [
          {
            id: 1,
            filename: 'shop_products.py',
            timestamp: null,
            stackTrace: 'Traceback (most recent call last):\nSyntaxError: x',
            bundleName: 'dags-folder',
          },
        ],
      }),
    );
    expect(result.findings.map(f => [f.id, f.severity])).toEqual([
      ['import-error', 'error'],
      ['pods-log-forbidden', 'warning'],
    ]);
  });

  it('should report a check that throws as unknown and run the others', () => {
    const input = healthyInput();
    // A malformed part of the input (e.g. a pod without containers from a future shape) must not hide the rest.
    (input.pods as any) = [{ kind: 'operator' }];
    const result = diagnoseCrawler(input);
    const failed = result.checks.filter(c => c.status === 'unknown');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0].reason).toMatch(/^the check failed: /);
    expect(result.checks.find(c => c.id === 'import-error')?.status).toBe('ok');
  });
});
