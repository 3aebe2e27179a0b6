/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import {
  defaults,
  readCollatorConfigOptions,
  readScheduleConfigOptions,
} from './config';

const config = (crawler?: JsonObject) =>
  new ConfigReader(crawler ? { search: { collators: { crawler } } } : {});

describe('crawler collator config', () => {
  it('should use the defaults when nothing is configured', () => {
    expect(readScheduleConfigOptions(config())).toEqual(defaults.schedule);
    expect(readCollatorConfigOptions(config())).toEqual({
      includeUnclaimed: false,
      recentRuns: 500,
    });
  });

  it('should read the configured schedule', () => {
    expect(
      readScheduleConfigOptions(
        config({
          schedule: {
            frequency: { minutes: 5 },
            timeout: { minutes: 4 },
            initialDelay: { seconds: 5 },
          },
        }),
      ),
    ).toEqual({
      frequency: { minutes: 5 },
      timeout: { minutes: 4 },
      initialDelay: { seconds: 5 },
    });
  });

  it('should reject an invalid schedule with an InputError naming the key', () => {
    const read = () =>
      readScheduleConfigOptions(
        config({ schedule: { frequency: { minutes: 5 } } }),
      );
    expect(read).toThrow(InputError);
    expect(read).toThrow(/search\.collators\.crawler\.schedule/);
  });

  it('should read includeUnclaimed and recentRuns', () => {
    expect(
      readCollatorConfigOptions(
        config({ includeUnclaimed: true, recentRuns: 0 }),
      ),
    ).toEqual({ includeUnclaimed: true, recentRuns: 0 });
  });

  it('should reject a recentRuns outside 0 to 10000 naming the key', () => {
    expect(() =>
      readCollatorConfigOptions(config({ recentRuns: 10_001 })),
    ).toThrow(/search\.collators\.crawler\.recentRuns/);
    expect(() =>
      readCollatorConfigOptions(config({ recentRuns: 2.5 })),
    ).toThrow(InputError);
  });
});
