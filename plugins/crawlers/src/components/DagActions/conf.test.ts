/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { parseConf } from './conf';

describe('parseConf', () => {
  it('should accept an empty conf as none', () => {
    expect(parseConf('  ')).toEqual({ ok: true, conf: undefined });
  });

  it('should accept a JSON object', () => {
    expect(parseConf('{"since": "2026-01-01"}')).toEqual({
      ok: true,
      conf: { since: '2026-01-01' },
    });
  });

  it('should refuse text that is not JSON', () => {
    const result = parseConf('{since: 1}');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/^Not valid JSON/);
  });

  it.each(['[1, 2]', '"text"', '42', 'null'])(
    'should refuse %s, which is JSON but no object',
    text => {
      expect(parseConf(text)).toMatchObject({
        ok: false,
        message: expect.stringContaining('must be a JSON object'),
      });
    },
  );
});
