/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

const range = (from: number, to: number, step: number) => {
  const out: number[] = [];
  for (let v = from; v <= to + 1e-9; v += step) out.push(v);
  return out;
};

/**
 * Fargate's vCPU/memory combinations (domain-facts §5.3, fargate-pod-configuration.adoc); memory in GB as AWS
 * writes it, which is GiB for Kubernetes quantities (0.5 GB = 512Mi).
 *
 * @public
 */
export const FARGATE_SIZES: ReadonlyArray<{
  vcpu: number;
  memoryGb: readonly number[];
}> = [
  { vcpu: 0.25, memoryGb: [0.5, 1, 2] },
  { vcpu: 0.5, memoryGb: [1, 2, 3, 4] },
  { vcpu: 1, memoryGb: range(2, 8, 1) },
  { vcpu: 2, memoryGb: range(4, 16, 1) },
  { vcpu: 4, memoryGb: range(8, 30, 1) },
  { vcpu: 8, memoryGb: range(16, 60, 4) },
  { vcpu: 16, memoryGb: range(32, 120, 8) },
];

/** A Kubernetes CPU quantity (`250m`, `0.5`, `2`) in cores, or undefined when it is not one. */
export function parseCpuQuantity(q: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?|\.[0-9]+)(m)?$/.exec(q.trim());
  if (!m) return undefined;
  return Number(m[1]) / (m[2] ? 1000 : 1);
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
};

/** A Kubernetes memory quantity (`512Mi`, `2Gi`, `1G`) in GiB, or undefined when it is not one. */
export function parseMemoryQuantityGiB(q: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)(k|M|G|Ki|Mi|Gi)?$/.exec(q.trim());
  if (!m) return undefined;
  return (Number(m[1]) * MEMORY_UNITS[m[2] ?? '']) / 1024 ** 3;
}

const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;

/** Whether cores/GiB is one of Fargate's combinations. */
export function isFargatePair(vcpu: number, memoryGiB: number): boolean {
  const size = FARGATE_SIZES.find(s => near(s.vcpu, vcpu));
  return !!size && size.memoryGb.some(m => near(m, memoryGiB));
}

/** The valid memory sizes for a vCPU value, as text (`2, 3, 4, …, 8 GB`), or the vCPU values when it has none. */
export function fargateChoices(vcpu: number): string {
  const size = FARGATE_SIZES.find(s => near(s.vcpu, vcpu));
  if (!size) {
    return `Fargate vCPU values are ${FARGATE_SIZES.map(s => s.vcpu).join(
      ', ',
    )}`;
  }
  return `with ${vcpu} vCPU Fargate allows ${size.memoryGb.join(
    ', ',
  )} GB (e.g. ${size.memoryGb[0] * 1024}Mi)`;
}

/**
 * The size Fargate provisions for a pod whose only container requests this much: memory + 256 MB, rounded up to
 * the nearest combination (`CapacityProvisioned`, e.g. `0.25vCPU 1GB`), or undefined when none fits.
 */
export function fargateCapacity(
  vcpu: number,
  memoryGiB: number,
): string | undefined {
  const needed = memoryGiB + 0.25;
  for (const size of FARGATE_SIZES) {
    if (size.vcpu + 1e-9 < vcpu) continue;
    const mem = size.memoryGb.find(m => m + 1e-9 >= needed);
    if (mem !== undefined) return `${size.vcpu}vCPU ${mem}GB`;
  }
  return undefined;
}
