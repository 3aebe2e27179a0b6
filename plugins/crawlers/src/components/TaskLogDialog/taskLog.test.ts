/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { CrawlersTaskLogResponse } from '@crawler-platform/plugin-crawlers-common';
import { formatTaskLog, readWholeTaskLog } from './taskLog';

const request = {
  entityRef: { kind: 'component', namespace: 'default', name: 'news-crawler' },
  dagId: 'news_crawler',
  runId: 'manual__1',
  taskId: 'crawl',
  tryNumber: 1,
};

function chunk(
  messages: string[],
  continuationToken: string | null,
): CrawlersTaskLogResponse {
  return {
    dagId: 'news_crawler',
    runId: 'manual__1',
    taskId: 'crawl',
    log: {
      tryNumber: 1,
      lines: messages.map(message => ({
        timestamp: null,
        level: null,
        message,
      })),
      continuationToken,
    },
  };
}

describe('readWholeTaskLog', () => {
  it('should follow continuation tokens until a chunk brings no line', async () => {
    const getTaskLog = jest
      .fn()
      .mockResolvedValueOnce(chunk(['one', 'two'], 't1'))
      .mockResolvedValueOnce(chunk(['three'], 't2'))
      .mockResolvedValueOnce(chunk([], 't3'));
    const log = await readWholeTaskLog({ getTaskLog }, request);
    expect(log.lines.map(l => l.message)).toEqual(['one', 'two', 'three']);
    expect(log.complete).toBe(true);
    expect(getTaskLog.mock.calls.map(c => c[0].token)).toEqual([
      undefined,
      't1',
      't2',
    ]);
  });

  it('should stop when Airflow sends no token', async () => {
    const getTaskLog = jest.fn().mockResolvedValue(chunk(['only'], null));
    const log = await readWholeTaskLog({ getTaskLog }, request);
    expect(getTaskLog).toHaveBeenCalledTimes(1);
    expect(log.chunks).toBe(1);
  });

  it('should stop at the chunk limit and say the log is incomplete', async () => {
    let n = 0;
    const getTaskLog = jest.fn(async () => {
      n += 1;
      return chunk([`line ${n}`], `t${n}`);
    });
    const log = await readWholeTaskLog({ getTaskLog }, request, 3);
    expect(getTaskLog).toHaveBeenCalledTimes(3);
    expect(log.complete).toBe(false);
  });
});

describe('formatTaskLog', () => {
  it('should render Airflow 3 structured lines with timestamp and level', () => {
    const text = formatTaskLog([
      {
        timestamp: '2026-01-01T00:00:01Z',
        level: 'error',
        message: 'Task failed',
      },
    ]);
    // ANSI colours are rendered by the log viewer
    // eslint-disable-next-line no-control-regex
    expect(text.replace(/\u001b\[\d+m/g, '')).toBe(
      '2026-01-01T00:00:01Z ERROR    Task failed',
    );
    expect(text).toContain('\u001b[31mERROR');
  });

  it('should end every colour so that the message and the next lines keep the default colour', () => {
    const text = formatTaskLog([
      { timestamp: 't', level: 'error', message: 'first\nsecond' },
      { timestamp: null, level: null, message: 'plain' },
    ]);
    // the viewer knows 39 (default colour), not 0 (reset)
    expect(text).not.toContain('\u001b[0m');
    // eslint-disable-next-line no-control-regex
    expect(text.split('\u001b[31m')[1]).toMatch(/^ERROR\s+\u001b\[39m first/);
  });

  it('should keep Airflow 2 text lines as they are', () => {
    expect(
      formatTaskLog([
        { timestamp: null, level: null, message: '[2026-01-01] INFO - hi' },
        { timestamp: null, level: null, message: 'next' },
      ]),
    ).toBe('[2026-01-01] INFO - hi\nnext');
  });
});
