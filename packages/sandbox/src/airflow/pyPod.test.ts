/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { execFileSync } from 'node:child_process';
import { pformat, podToDict, remotePodDump } from './pyPod';

/** The same value printed by the real `pprint.pformat` (datetimes as tz-aware `datetime` with `tzutc()`). */
function pythonPformat(value: unknown): string {
  const json = JSON.stringify(value, (_key, v) =>
    v &&
    typeof v === 'object' &&
    v.date instanceof Date &&
    Object.keys(v).length === 1
      ? { __dt: v.date.toISOString() }
      : v,
  );
  const script = `
import datetime, json, pprint, sys
class tzutc(datetime.tzinfo):
    def utcoffset(self, dt): return datetime.timedelta(0)
    def __repr__(self): return 'tzutc()'
def conv(o):
    if isinstance(o, dict):
        if set(o) == {'__dt'}:
            return datetime.datetime.fromisoformat(o['__dt'].replace('Z', '+00:00')).replace(tzinfo=tzutc())
        return {k: conv(v) for k, v in o.items()}
    if isinstance(o, list):
        return [conv(x) for x in o]
    return o
print(pprint.pformat(conv(json.loads(sys.stdin.read()))), end='')
`;
  return execFileSync('python3', ['-c', script], { input: json }).toString();
}

describe('pyPod', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'job-x1y2z3w4',
      namespace: 'crawler-jobs',
      labels: {
        'app.kubernetes.io/name': 'job',
        run_id: 'manual__2026-06-01T123000.0000000000-99b020fce',
      },
      annotations: {},
      creationTimestamp: '2026-06-01T12:30:05Z',
    },
    spec: {
      containers: [
        {
          name: 'base',
          image: '000000000000.dkr.ecr.eu-west-1.amazonaws.com/job:latest',
          env: [
            {
              name: 'TARGET_URL',
              value:
                'https://example.com/news with a long value that pprint splits over several lines at its spaces',
            },
          ],
        },
      ],
      restartPolicy: 'Never',
      podIPs: undefined,
    },
    status: {
      phase: 'Failed',
      podIP: '10.0.3.7',
      containerStatuses: [
        {
          name: 'base',
          containerID: 'containerd://abc',
          state: {
            terminated: {
              exitCode: 3,
              reason: 'Error',
              finishedAt: '2026-06-01T12:31:00Z',
            },
          },
        },
      ],
    },
  };

  it("should print a pod as Python's pprint.pformat of the kubernetes client's V1Pod.to_dict()", () => {
    const dict = podToDict(pod);
    expect(pformat(dict)).toBe(pythonPformat(dict));
  });

  it('should list every model attribute in snake_case, None when unset, with datetimes', () => {
    const dump = remotePodDump(pod);
    expect(dump).toMatch(
      /^remote_pod: \{'api_version': 'v1',\n 'kind': 'Pod',/,
    );
    expect(dump).toContain("'pod_ip': '10.0.3.7',");
    expect(dump).toContain("'container_id': 'containerd://abc',");
    expect(dump).toContain("'exit_code': 3,");
    expect(dump).toContain(
      "'finished_at': datetime.datetime(2026, 6, 1, 12, 31, tzinfo=tzutc()),",
    );
    expect(dump).toContain(
      "'creation_timestamp': datetime.datetime(2026, 6, 1, 12, 30, 5, tzinfo=tzutc()),",
    );
    expect(dump).toContain("'deletion_timestamp': None,");
    expect(remotePodDump(undefined)).toBe('remote_pod: None');
  });
});
