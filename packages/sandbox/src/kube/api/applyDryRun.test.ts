/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { KubeStore } from '../KubeStore';
import { startKubeApiServer } from '../server';

describe('server-side apply with dryRun=All', () => {
  let kube: KubeStore;
  let server: { url: string; close(): Promise<void> };

  beforeEach(async () => {
    kube = new KubeStore();
    server = await startKubeApiServer({ kube, port: 0 });
  });

  afterEach(async () => {
    await server.close();
    kube.close();
  });

  const apply = (name: string, body: object, dryRun?: string) =>
    fetch(
      `${server.url}/api/v1/namespaces/${name}?fieldManager=t${
        dryRun ? `&dryRun=${dryRun}` : ''
      }`,
      {
        method: 'PATCH',
        headers: {
          authorization: 'Bearer sandbox-admin-token',
          'content-type': 'application/apply-patch+yaml',
        },
        body: JSON.stringify(body),
      },
    );

  it('should answer the applied object without storing a new or changed one', async () => {
    const ns = (labels: object) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'crawler-a', labels },
    });
    const created = await apply('crawler-a', ns({ a: '1' }), 'All');
    expect(created.status).toBe(201);
    expect(kube.exists('namespaces', undefined, 'crawler-a')).toBe(false);
    await apply('crawler-a', ns({ a: '1' }));
    const changed = await apply('crawler-a', ns({ a: '2' }), 'All');
    expect((await changed.json()).metadata.labels).toMatchObject({ a: '2' });
    expect(
      kube.get('namespaces', undefined, 'crawler-a').metadata.labels,
    ).toMatchObject({
      a: '1',
    });
    expect((await apply('crawler-a', ns({}), 'Some')).status).toBe(400);
  });
});
