/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { kpoPodName, makeSafeLabelValue } from './labels';

describe('makeSafeLabelValue', () => {
  it('should keep a value that is already a valid label', () => {
    expect(makeSafeLabelValue('news_crawler')).toBe('news_crawler');
    expect(makeSafeLabelValue('1')).toBe('1');
  });

  it('should strip invalid characters and append the md5 suffix (domain-facts example)', () => {
    expect(makeSafeLabelValue('manual__2025-06-07T18:10:09.738787+00:00')).toBe(
      'manual__2025-06-07T181009.7387870000-f2f1db2a9',
    );
  });

  it('should cut values longer than 63 characters to 53 plus the hash', () => {
    const long = 'a'.repeat(70);
    const safe = makeSafeLabelValue(long);
    expect(safe).toHaveLength(63);
    expect(safe.startsWith(`${'a'.repeat(53)}-`)).toBe(true);
  });
});

describe('kpoPodName', () => {
  it('should add a dash and the random suffix to a DNS-safe name', () => {
    expect(kpoPodName('News_Crawler', () => 'abcd1234')).toBe(
      'news-crawler-abcd1234',
    );
  });
});
