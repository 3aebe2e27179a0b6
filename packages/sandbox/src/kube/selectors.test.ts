/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';

describe('selectors', () => {
  it('should parse and match every label selector form', () => {
    const labels = { app: 'crawler', tier: 'batch', dag_id: 'news' };
    const match = (s: string) => matchesLabels(parseLabelSelector(s), labels);
    expect(match('app=crawler')).toBe(true);
    expect(match('app==crawler,tier!=web')).toBe(true);
    expect(match('dag_id in (news, prices)')).toBe(true);
    expect(match('dag_id notin (news)')).toBe(false);
    expect(match('tier,!missing')).toBe(true);
    expect(match('!tier')).toBe(false);
    expect(() => parseLabelSelector('a in b')).toThrow(
      'unable to parse requirement',
    );
  });

  it('should parse and match field selectors on nested fields', () => {
    const pod = { metadata: { name: 'p' }, status: { phase: 'Running' } };
    expect(
      matchesFields(
        parseFieldSelector('metadata.name=p,status.phase!=Failed'),
        pod,
      ),
    ).toBe(true);
    expect(
      matchesFields(parseFieldSelector('status.phase==Succeeded'), pod),
    ).toBe(false);
    expect(() => parseFieldSelector('status.phase')).toThrow(
      "can't understand",
    );
  });
});
