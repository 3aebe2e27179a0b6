/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { makeSafeLabelValue } from '@crawler-platform/sandbox';
import { makeSafeLabelValue as ours } from './labels';

describe('makeSafeLabelValue', () => {
  it("should give the provider's documented example", () => {
    expect(ours('manual__2025-06-07T18:10:09.738787+00:00')).toBe(
      'manual__2025-06-07T181009.7387870000-f2f1db2a9',
    );
  });

  it('should keep a safe value unchanged', () => {
    expect(ours('news_crawler')).toBe('news_crawler');
    expect(ours('a'.repeat(63))).toBe('a'.repeat(63));
  });

  it('should shorten long and odd DAG ids to 53 characters plus a hash', () => {
    const long = 'x'.repeat(64);
    expect(ours(long)).toHaveLength(63);
    expect(ours(long)).toMatch(/^x{53}-[0-9a-f]{9}$/);
    expect(ours('.shop.prices.')).toMatch(/^shop\.prices-[0-9a-f]{9}$/);
    expect(ours('crawl/ü')).toMatch(/^crawl-[0-9a-f]{9}$/);
  });

  it("should agree with the sandbox's Airflow on every kind of value", () => {
    for (const value of [
      'news_crawler',
      'a'.repeat(70),
      '__x__',
      'scheduled__2026-01-01T00:00:00+00:00',
      'dag with spaces',
      '-lead',
    ]) {
      expect(ours(value)).toBe(makeSafeLabelValue(value));
    }
  });
});
