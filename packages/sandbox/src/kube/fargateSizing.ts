/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** Parses a Kubernetes CPU quantity (`250m`, `0.5`, `2`) into cores. */
export function parseCpu(q: unknown): number {
  if (q === undefined || q === null || q === '') return 0;
  const s = String(q).trim();
  const m = /^([0-9.]+(?:e[+-]?\d+)?)(m|u|n)?$/i.exec(s);
  if (!m)
    throw new Error(
      `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': "${s}"`,
    );
  const v = Number(m[1]);
  const divisors: Record<string, number> = { m: 1e3, u: 1e6, n: 1e9 };
  return v / (divisors[m[2] ?? ''] ?? 1);
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** Parses a Kubernetes memory quantity (`512Mi`, `1G`, `1073741824`) into bytes. */
export function parseMemory(q: unknown): number {
  if (q === undefined || q === null || q === '') return 0;
  const s = String(q).trim();
  const m = /^([0-9.]+(?:e[+-]?\d+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(s);
  if (!m)
    throw new Error(
      `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': "${s}"`,
    );
  return Number(m[1]) * MEMORY_UNITS[m[2] ?? ''];
}

const range = (from: number, to: number, step: number) => {
  const out: number[] = [];
  for (let v = from; v <= to + 1e-9; v += step) out.push(v);
  return out;
};

/** Fargate's vCPU/memory combinations (domain-facts §5.3); memory in GB. */
export const FARGATE_SIZES: Array<{ vcpu: number; memoryGb: number[] }> = [
  { vcpu: 0.25, memoryGb: [0.5, 1, 2] },
  { vcpu: 0.5, memoryGb: [1, 2, 3, 4] },
  { vcpu: 1, memoryGb: range(2, 8, 1) },
  { vcpu: 2, memoryGb: range(4, 16, 1) },
  { vcpu: 4, memoryGb: range(8, 30, 1) },
  { vcpu: 8, memoryGb: range(16, 60, 4) },
  { vcpu: 16, memoryGb: range(32, 120, 8) },
];

type Container = {
  resources?: {
    requests?: Record<string, unknown>;
    limits?: Record<string, unknown>;
  };
};

function request(c: Container, key: 'cpu' | 'memory'): unknown {
  return c.resources?.requests?.[key] ?? c.resources?.limits?.[key];
}

/**
 * The `CapacityProvisioned` annotation for a pod: max(largest init container, sum of containers) + 256 MB memory,
 * rounded up to the nearest Fargate combination; undefined when the pod is larger than any combination.
 */
export function fargateCapacity(spec: {
  containers?: Container[];
  initContainers?: Container[];
}): string | undefined {
  const containers = spec.containers ?? [];
  const inits = spec.initContainers ?? [];
  const GB = 1024 ** 3;
  const cpu = Math.max(
    containers.reduce((s, c) => s + parseCpu(request(c, 'cpu')), 0),
    ...inits.map(c => parseCpu(request(c, 'cpu'))),
  );
  const memoryGb =
    Math.max(
      containers.reduce((s, c) => s + parseMemory(request(c, 'memory')), 0),
      ...inits.map(c => parseMemory(request(c, 'memory'))),
    ) /
      GB +
    0.25;
  for (const size of FARGATE_SIZES) {
    if (size.vcpu + 1e-9 < cpu) continue;
    const mem = size.memoryGb.find(m => m + 1e-9 >= memoryGb);
    if (mem !== undefined) {
      return `${size.vcpu}vCPU ${mem}GB`;
    }
  }
  return undefined;
}
