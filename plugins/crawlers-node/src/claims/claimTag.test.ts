/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { createHash } from 'node:crypto';
import { dagClaimTag, MAX_DAG_TAG_LENGTH } from './claimTag';

describe('dagClaimTag', () => {
  it('should be backstage:<entity ref>, lower-cased, for refs that fit', () => {
    expect(dagClaimTag('component:default/news-crawler')).toBe(
      'backstage:component:default/news-crawler',
    );
    expect(dagClaimTag('Component:Default/News-Crawler')).toBe(
      'backstage:component:default/news-crawler',
    );
  });

  it('should keep a 100-character tag whole and shorten a 101-character one', () => {
    const fits = `component:default/${'a'.repeat(72)}`; // 10 + 90 = 100
    expect(dagClaimTag(fits)).toBe(`backstage:${fits}`);
    const over = `component:default/${'a'.repeat(73)}`;
    expect(dagClaimTag(over)).toHaveLength(MAX_DAG_TAG_LENGTH);
    expect(dagClaimTag(over)).not.toBe(`backstage:${over}`);
  });

  it('should shorten a long ref to a prefix plus a hash of the whole ref, exactly 100 characters', () => {
    const ref = `component:${'n'.repeat(63)}/${'x'.repeat(63)}`;
    const tag = dagClaimTag(ref);
    const hash = createHash('sha256').update(ref).digest('hex').slice(0, 16);
    expect(tag).toHaveLength(100);
    expect(tag).toBe(`backstage:${ref.slice(0, 73)}~${hash}`);
  });

  it('should give refs that share a long prefix different tags', () => {
    const base = `component:${'n'.repeat(63)}/${'x'.repeat(60)}`;
    expect(dagClaimTag(`${base}abc`)).not.toBe(dagClaimTag(`${base}abd`));
  });
});
