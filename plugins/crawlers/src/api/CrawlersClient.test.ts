/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { ResponseError } from '@backstage/errors';
import { CrawlersClient } from './CrawlersClient';

const entityRef = {
  kind: 'Component',
  namespace: 'default',
  name: 'news-crawler',
};
const base =
  'http://backend/api/crawlers/entities/component/default/news-crawler';

function client(response: () => Response) {
  const fetch = jest.fn(async (_url: RequestInfo | URL, _init?: RequestInit) =>
    response(),
  );
  const api = new CrawlersClient({
    discoveryApi: { getBaseUrl: async () => 'http://backend/api/crawlers' },
    fetchApi: { fetch },
  });
  return { api, fetch };
}

const json =
  (body: unknown, status = 200) =>
  () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });

describe('CrawlersClient', () => {
  it('should name the entity in the path with a lower-case kind', async () => {
    const { api, fetch } = client(json({ dags: [] }));
    await api.getAirflow({ entityRef });
    expect(fetch).toHaveBeenCalledWith(`${base}/airflow`);
  });

  it('should ask for a page of runs with the page size, offset and states', async () => {
    const { api, fetch } = client(json({ runs: [] }));
    await api.listRuns({
      entityRef,
      dagId: 'news_crawler',
      limit: 25,
      offset: 50,
      states: ['failed', 'running'],
    });
    expect(fetch).toHaveBeenCalledWith(
      `${base}/dags/news_crawler/runs?limit=25&offset=50&state=failed%2Crunning`,
    );
  });

  it('should encode run ids and pass the continuation token of a log', async () => {
    const { api, fetch } = client(json({ log: { lines: [] } }));
    await api.getTaskLog({
      entityRef,
      dagId: 'news_crawler',
      runId: 'manual__2026-01-01T00:00:00+00:00',
      taskId: 'crawl',
      tryNumber: 2,
      mapIndex: -1,
      token: 'abc.def',
    });
    expect(fetch).toHaveBeenCalledWith(
      `${base}/dags/news_crawler/runs/manual__2026-01-01T00%3A00%3A00%2B00%3A00/taskInstances/crawl/logs/2?token=abc.def`,
    );
  });

  it('should send the trigger body with conf and note as JSON', async () => {
    const { api, fetch } = client(json({ run: {} }, 201));
    await api.triggerRun({
      entityRef,
      dagId: 'news_crawler',
      conf: { since: '2026-01-01' },
      note: 'backfill',
    });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(`${base}/dags/news_crawler/runs`);
    expect(init).toMatchObject({
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(JSON.parse(String(init!.body))).toEqual({
      conf: { since: '2026-01-01' },
      note: 'backfill',
    });
  });

  it('should send the pause body and the empty cleanup body', async () => {
    const { api, fetch } = client(json({}));
    await api.setPaused({ entityRef, dagId: 'news_crawler', isPaused: true });
    await api.cleanupPods({ entityRef });
    expect(fetch.mock.calls[0][0]).toBe(`${base}/dags/news_crawler`);
    expect(fetch.mock.calls[0][1]).toMatchObject({
      method: 'PATCH',
      body: '{"isPaused":true}',
    });
    expect(fetch.mock.calls[1][0]).toBe(`${base}/pods/cleanup`);
    expect(fetch.mock.calls[1][1]).toMatchObject({
      method: 'POST',
      body: '{}',
    });
  });

  it('should read the diagnosis of the entity from its diagnosis route', async () => {
    const body = { findings: [], checks: [] };
    const { api, fetch } = client(json(body));
    await expect(api.getDiagnosis({ entityRef })).resolves.toEqual(body);
    expect(fetch).toHaveBeenCalledWith(`${base}/diagnosis`);
  });

  it('should throw a ResponseError with the backend message on a non-ok answer', async () => {
    const { api } = client(
      json(
        {
          error: { name: 'NotAllowedError', message: 'add the tag' },
          request: { method: 'POST', url: '/' },
          response: { statusCode: 403 },
        },
        403,
      ),
    );
    const error = await api
      .triggerRun({ entityRef, dagId: 'news_crawler' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);
    expect(error.body.error.message).toBe('add the tag');
  });
});
