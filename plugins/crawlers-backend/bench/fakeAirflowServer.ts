/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { airflowFixtures as f } from '@crawler-platform/plugin-crawlers-node/testUtils';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A node:http stand-in for Airflow 2 and Airflow 3 with spec-shaped answers and a fixed added latency, used by the
 * benchmark when the sandbox is not available.
 */
export async function startFakeAirflows(options: {
  latencyMs: number;
  credentials: { username: string; password: string };
  dagIds: string[];
  /** The claim tag each DAG carries (`backstage:<entity ref>`), by DAG id. */
  claimTags?: Record<string, string>;
}) {
  const tokens = new Set<string>();
  const basic = `Basic ${Buffer.from(
    `${options.credentials.username}:${options.credentials.password}`,
  ).toString('base64')}`;

  const serve = (version: 'v1' | 'v2') =>
    http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () =>
        setTimeout(() => {
          const send = (status: number, body: unknown) => {
            res.writeHead(status, { 'content-type': 'application/json' });
            res.end(JSON.stringify(body));
          };
          const url = new URL(req.url ?? '/', 'http://localhost');
          const v1 = version === 'v1';
          if (!v1 && url.pathname === '/auth/token' && req.method === 'POST') {
            const token = f.fakeJwt(
              Math.floor(Date.now() / 1000) + 3600,
              `bench-${tokens.size}`,
            );
            tokens.add(token);
            send(201, { access_token: token });
            return;
          }
          const prefix = `/api/${version}`;
          if (!url.pathname.startsWith(prefix)) {
            send(404, { detail: 'Not Found' });
            return;
          }
          const rest = url.pathname.slice(prefix.length);
          if (rest === '/version') {
            send(200, v1 ? f.v1Version : f.v2Version);
            return;
          }
          const auth = req.headers.authorization ?? '';
          if (v1 ? auth !== basic : !tokens.has(auth.replace(/^Bearer /, ''))) {
            send(401, { detail: 'Unauthorized' });
            return;
          }
          if (rest === '/importErrors') {
            send(200, {
              import_errors: [
                (v1 ? f.v1ImportError : f.v2ImportError)(
                  1,
                  '/opt/airflow/dags/repo/dags/broken.py',
                ),
              ],
              total_entries: 1,
            });
            return;
          }
          const [, root, dagId, sub] = rest.split('/');
          if (
            root !== 'dags' ||
            !options.dagIds.includes(decodeURIComponent(dagId ?? ''))
          ) {
            send(404, { detail: 'DAG not found' });
            return;
          }
          if (sub === 'dagRuns') {
            const runs = Array.from({ length: 25 }, (_, i) =>
              (v1 ? f.v1Run : f.v2Run)(dagId, i),
            );
            send(200, { dag_runs: runs, total_entries: 100 });
            return;
          }
          const dag: { tags: object[] } = (v1 ? f.v1Dag : f.v2Dag)(dagId);
          const claimTag = options.claimTags?.[decodeURIComponent(dagId)];
          if (claimTag) {
            dag.tags = [
              ...dag.tags,
              v1
                ? { name: claimTag }
                : { name: claimTag, dag_id: dagId, dag_display_name: dagId },
            ];
          }
          send(200, dag);
        }, options.latencyMs),
      );
    });

  const listen = (server: http.Server) =>
    new Promise<string>(resolve =>
      server.listen(0, '127.0.0.1', () =>
        resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
      ),
    );
  const v1Server = serve('v1');
  const v2Server = serve('v2');
  const urls = {
    airflow2: await listen(v1Server),
    airflow3: await listen(v2Server),
  };
  return {
    urls,
    stop: async () => {
      await Promise.all(
        [v1Server, v2Server].map(s => new Promise(resolve => s.close(resolve))),
      );
    },
  };
}
