/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { mockServices } from '@backstage/backend-test-utils';
import { memoryCache } from '../../__testUtils__/memoryCache';
import { createAirflowCache } from './createAirflowCache';

const ttls = {
  dag: 60_000,
  runs: 15_000,
  taskInstances: 15_000,
  importErrors: 30_000,
  pods: 5_000,
  namespaces: 30_000,
  gitSync: 10_000,
  repositoryHead: 10_000,
  repositoryHistory: 86_400_000,
  clusterConfig: 30_000,
  logs: 15_000,
  aws: 60_000,
  stale: 86_400_000,
};

function setup() {
  let time = Date.parse('2026-01-01T00:00:00Z');
  const clock = { now: () => time, advance: (ms: number) => (time += ms) };
  const cache = createAirflowCache({
    cache: memoryCache(clock.now),
    logger: mockServices.logger.mock(),
    ttls,
    now: clock.now,
  });
  return { cache, clock };
}

const scope = { instance: 'airflow2', dagId: 'shop-products' };

describe('createAirflowCache', () => {
  it('should serve a fresh value from cache within its TTL', async () => {
    const { cache, clock } = setup();
    const fetch = jest.fn().mockResolvedValue({ n: 1 });
    await cache.read(scope, 'runs', 'recent', fetch);
    clock.advance(14_999);
    const result = await cache.read(scope, 'runs', 'recent', fetch);
    expect(result).toEqual({
      value: { n: 1 },
      fetchedAt: '2026-01-01T00:00:00.000Z',
      stale: false,
    });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('should fetch again once the TTL of the resource has passed', async () => {
    const { cache, clock } = setup();
    const fetch = jest
      .fn()
      .mockResolvedValueOnce({ n: 1 })
      .mockResolvedValueOnce({ n: 2 });
    await cache.read(scope, 'runs', 'recent', fetch);
    clock.advance(15_000);
    const result = await cache.read(scope, 'runs', 'recent', fetch);
    expect(result.value).toEqual({ n: 2 });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('should use a separate TTL per resource kind', async () => {
    const { cache, clock } = setup();
    const dagFetch = jest.fn().mockResolvedValue('dag');
    const runsFetch = jest.fn().mockResolvedValue('runs');
    await cache.read(scope, 'dag', 'meta', dagFetch);
    await cache.read(scope, 'runs', 'recent', runsFetch);
    clock.advance(20_000);
    await cache.read(scope, 'dag', 'meta', dagFetch);
    await cache.read(scope, 'runs', 'recent', runsFetch);
    expect(dagFetch).toHaveBeenCalledTimes(1);
    expect(runsFetch).toHaveBeenCalledTimes(2);
  });

  it('should share one upstream call among identical in-flight reads', async () => {
    const { cache } = setup();
    let resolve: (v: string) => void = () => {};
    const fetch = jest.fn(() => new Promise<string>(r => (resolve = r)));
    const reads = Array.from({ length: 50 }, () =>
      cache.read(scope, 'runs', 'recent', fetch),
    );
    await new Promise(r => setImmediate(r));
    resolve('value');
    const results = await Promise.all(reads);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(results.every(r => r.value === 'value')).toBe(true);
  });

  it('should not share calls between different keys', async () => {
    const { cache } = setup();
    const fetch = jest.fn().mockResolvedValue('v');
    await Promise.all([
      cache.read(scope, 'runs', 'a', fetch),
      cache.read(scope, 'runs', 'b', fetch),
      cache.read({ ...scope, dagId: 'other' }, 'runs', 'a', fetch),
    ]);
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('should serve the last good value, marked stale with its fetchedAt and the error, when a refresh fails', async () => {
    const { cache, clock } = setup();
    await cache.read(scope, 'runs', 'recent', async () => ['good']);
    clock.advance(60_000);
    const error = new Error('Airflow down');
    const result = await cache.read(scope, 'runs', 'recent', async () => {
      throw error;
    });
    expect(result).toEqual({
      value: ['good'],
      fetchedAt: '2026-01-01T00:00:00.000Z',
      stale: true,
      error,
    });
  });

  it('should return the error without a value when nothing was cached before', async () => {
    const { cache } = setup();
    const error = new Error('Airflow down');
    const result = await cache.read(scope, 'runs', 'recent', async () => {
      throw error;
    });
    expect(result).toEqual({
      value: undefined,
      fetchedAt: null,
      stale: false,
      error,
    });
  });

  it('should not cache a failed fetch', async () => {
    const { cache } = setup();
    await cache.read(scope, 'runs', 'recent', async () => {
      throw new Error('x');
    });
    const fetch = jest.fn().mockResolvedValue('ok');
    const result = await cache.read(scope, 'runs', 'recent', fetch);
    expect(result.value).toBe('ok');
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('should make every value of a DAG outdated after invalidation', async () => {
    const { cache } = setup();
    const fetch = jest
      .fn()
      .mockResolvedValueOnce('before')
      .mockResolvedValueOnce('after');
    await cache.read(scope, 'runs', 'recent', fetch);
    await cache.invalidateDag('airflow2', 'shop-products');
    const result = await cache.read(scope, 'runs', 'recent', fetch);
    expect(result.value).toBe('after');
  });

  it('should keep values of other DAGs after invalidating one', async () => {
    const { cache } = setup();
    const fetch = jest.fn().mockResolvedValue('v');
    const other = { instance: 'airflow2', dagId: 'other' };
    await cache.read(other, 'dag', 'meta', fetch);
    await cache.invalidateDag('airflow2', 'shop-products');
    await cache.read(other, 'dag', 'meta', fetch);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('should make every value of a group outdated after invalidating the group, and no other', async () => {
    const { cache } = setup();
    const pods = { instance: 'airflow2', group: 'pods:shop' };
    const fetch = jest
      .fn()
      .mockResolvedValueOnce('before')
      .mockResolvedValueOnce('after');
    const other = jest.fn().mockResolvedValue('other');
    await cache.read(pods, 'pods', 'list', fetch);
    await cache.read({ instance: 'airflow2' }, 'pods', 'list', other);
    await cache.invalidateGroup('airflow2', 'pods:shop');
    expect((await cache.read(pods, 'pods', 'list', fetch)).value).toBe('after');
    await cache.read({ instance: 'airflow2' }, 'pods', 'list', other);
    expect(other).toHaveBeenCalledTimes(1);
  });

  describe('decoded entries kept in the process', () => {
    function replicas() {
      let time = Date.parse('2026-01-01T00:00:00Z');
      const clock = { now: () => time, advance: (ms: number) => (time += ms) };
      const shared = memoryCache(clock.now);
      const get = jest.spyOn(shared, 'get');
      const replica = () =>
        createAirflowCache({
          cache: shared,
          logger: mockServices.logger.mock(),
          ttls,
          now: clock.now,
        });
      return { a: replica(), b: replica(), get, clock };
    }

    it('should read only the generation from the shared cache for a warm read, not the entry', async () => {
      const { a, get } = replicas();
      await a.read(scope, 'runs', 'recent', async () => ({ n: 1 }));
      get.mockClear();
      const result = await a.read(scope, 'runs', 'recent', jest.fn());
      expect(result.value).toEqual({ n: 1 });
      expect(get.mock.calls.map(([key]) => key)).toEqual([
        'gen:airflow2:shop-products',
      ]);
    });

    it("should see another replica's invalidation at once despite its own copy", async () => {
      const { a, b } = replicas();
      await a.read(scope, 'runs', 'recent', async () => 'before');
      await b.invalidateDag('airflow2', 'shop-products');
      const fetch = jest.fn().mockResolvedValue('after');
      expect((await a.read(scope, 'runs', 'recent', fetch)).value).toBe(
        'after',
      );
      expect(fetch).toHaveBeenCalledTimes(1);
    });

    it('should fetch again once its own copy is past the TTL', async () => {
      const { a, clock } = replicas();
      await a.read(scope, 'runs', 'recent', async () => 1);
      clock.advance(15_000);
      const fetch = jest.fn().mockResolvedValue(2);
      expect((await a.read(scope, 'runs', 'recent', fetch)).value).toBe(2);
    });

    it('should hand out frozen values so that no caller changes what the next one reads', async () => {
      const { a } = replicas();
      const first = await a.read(scope, 'runs', 'recent', async () => ({
        runs: [{ state: 'success' }],
      }));
      expect(() => {
        (first.value as any).runs[0].state = 'failed';
      }).toThrow(TypeError);
      const again = await a.read(scope, 'runs', 'recent', jest.fn());
      expect(again.value).toEqual({ runs: [{ state: 'success' }] });
    });

    it('should keep at most 500 entries, reading the least recently used one from the shared cache again', async () => {
      const { a, get } = replicas();
      for (let i = 0; i <= 500; i++) {
        await a.read(scope, 'runs', `page-${i}`, async () => i);
      }
      get.mockClear();
      const fetch = jest.fn();
      expect((await a.read(scope, 'runs', 'page-0', fetch)).value).toBe(0);
      expect((await a.read(scope, 'runs', 'page-500', fetch)).value).toBe(500);
      expect(fetch).not.toHaveBeenCalled();
      const entryReads = get.mock.calls
        .map(([key]) => key)
        .filter(key => key.startsWith('v2:'));
      expect(entryReads).toEqual(['v2:airflow2:dag:shop-products:runs:page-0']);
    });
  });
});
