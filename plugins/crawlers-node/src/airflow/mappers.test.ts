/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  mapDagRunV1,
  mapDagRunV2,
  mapLogContentV1,
  mapLogContentV2,
  mapTaskInstance,
  parsePythonLogChunks,
  renderScheduleInterval,
} from './mappers';

describe('Airflow mappers', () => {
  it('should render v1 schedule intervals of every kind', () => {
    expect(
      renderScheduleInterval({ __type: 'CronExpression', value: '@daily' }),
    ).toBe('@daily');
    expect(
      renderScheduleInterval({
        __type: 'TimeDelta',
        days: 1,
        seconds: 30,
        microseconds: 0,
      }),
    ).toBe('every 1d 30s');
    expect(
      renderScheduleInterval({
        __type: 'RelativeDelta',
        months: 1,
        days: 0,
        hours: 2,
      }),
    ).toBe('relativedelta(months=1, hours=2)');
    expect(renderScheduleInterval(null)).toBeNull();
  });

  it('should fall back to execution_date for old v1 runs without logical_date', () => {
    const run = mapDagRunV1({
      dag_id: 'd',
      dag_run_id: 'r',
      execution_date: '2026-01-01T00:00:00+00:00',
      state: 'running',
      run_type: 'manual',
      external_trigger: true,
      start_date: '2026-01-01T00:00:00+00:00',
      end_date: null,
    });
    expect(run).toMatchObject({
      logicalDate: '2026-01-01T00:00:00+00:00',
      triggeredBy: 'external',
      durationSeconds: null,
    });
  });

  it('should keep a null v2 logical_date and use run_after', () => {
    const run = mapDagRunV2({
      dag_id: 'd',
      dag_run_id: 'r',
      logical_date: null,
      run_after: '2026-01-01T00:00:00Z',
      state: 'queued',
      run_type: 'manual',
      triggered_by: 'rest_api',
      duration: null,
    });
    expect(run).toMatchObject({
      logicalDate: null,
      runAfter: '2026-01-01T00:00:00Z',
      durationSeconds: null,
    });
  });

  it('should turn negative durations (clock skew, bad data) into null', () => {
    expect(
      mapDagRunV2({
        dag_id: 'd',
        dag_run_id: 'r',
        state: 'success',
        duration: -3,
      }).durationSeconds,
    ).toBeNull();
    expect(
      mapDagRunV1({
        dag_id: 'd',
        dag_run_id: 'r',
        state: 'success',
        start_date: '2026-01-01T00:01:00+00:00',
        end_date: '2026-01-01T00:00:00+00:00',
      }).durationSeconds,
    ).toBeNull();
    expect(
      mapTaskInstance({ task_id: 't', duration: -0.5 }).durationSeconds,
    ).toBeNull();
    expect(mapTaskInstance({ task_id: 't', duration: 0 }).durationSeconds).toBe(
      0,
    );
  });

  it('should split v1 log text into lines without a trailing empty line', () => {
    expect(mapLogContentV1('a\nb\n').map(l => l.message)).toEqual(['a', 'b']);
  });

  it('should read the Python repr of (host, text) chunks that Airflow 2 sends', () => {
    const content =
      "[('airflow-worker-0', '*** Found local files\\n[2026-11-26] {pod.py:1} INFO - it\\'s \"up\"\\n'), " +
      '("worker-1", "done \\u00e9\\tok\\n")]';
    expect(mapLogContentV1(content).map(l => l.message)).toEqual([
      '*** Found local files',
      '[2026-11-26] {pod.py:1} INFO - it\'s "up"',
      'done \u00e9\tok',
    ]);
  });

  it('should keep v1 content that only looks like a list as plain text', () => {
    expect(mapLogContentV1("[('unterminated").map(l => l.message)).toEqual([
      "[('unterminated",
    ]);
    expect(parsePythonLogChunks("[('a', 'b')] trailing")).toBeUndefined();
  });

  it('should read v2 logs sent as plain strings', () => {
    expect(mapLogContentV2(['x', 'y'])).toEqual([
      { timestamp: null, level: null, message: 'x' },
      { timestamp: null, level: null, message: 'y' },
    ]);
  });

  it('should keep a structured v2 message without event as JSON', () => {
    expect(mapLogContentV2([{ timestamp: 't', foo: 1 }])[0].message).toBe(
      '{"timestamp":"t","foo":1}',
    );
  });
});
