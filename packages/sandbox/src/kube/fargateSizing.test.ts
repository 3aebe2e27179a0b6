/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { fargateCapacity, parseCpu, parseMemory } from './fargateSizing';

const c = (cpu?: string, memory?: string) => ({
  resources: {
    requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) },
  },
});

describe('fargateCapacity', () => {
  it('should parse CPU and memory quantities', () => {
    expect(parseCpu('250m')).toBe(0.25);
    expect(parseCpu('2')).toBe(2);
    expect(parseMemory('512Mi')).toBe(512 * 1024 ** 2);
    expect(parseMemory('1G')).toBe(1e9);
    expect(() => parseMemory('lots')).toThrow('quantities must match');
  });

  it('should round up to the Fargate combinations of the sizing table, adding 256 MB', () => {
    expect(fargateCapacity({ containers: [{}] })).toBe('0.25vCPU 0.5GB');
    expect(fargateCapacity({ containers: [c('1', '8Gi')] })).toBe('2vCPU 9GB');
    expect(fargateCapacity({ containers: [c('250m', '768Mi')] })).toBe(
      '0.25vCPU 1GB',
    );
    expect(
      fargateCapacity({ containers: [c('500m', '1Gi'), c('500m', '1Gi')] }),
    ).toBe('1vCPU 3GB');
    expect(
      fargateCapacity({
        containers: [c('100m', '100Mi')],
        initContainers: [c('3', '10Gi')],
      }),
    ).toBe('4vCPU 11GB');
    expect(fargateCapacity({ containers: [c('8', '40Gi')] })).toBe(
      '8vCPU 44GB',
    );
    expect(fargateCapacity({ containers: [c('32', '1Gi')] })).toBeUndefined();
  });
});
