/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type {
  CrawlersFinding,
  CrawlersFindingEvidence,
  CrawlersFindingId,
} from '@crawler-platform/plugin-crawlers-common';
import type { DiagnosisCheckResult, DiagnosisPod } from './types';
import { clip } from './text';

/** One piece of evidence, its text shortened. */
export function evidence(
  object: string,
  where: string,
  text: string,
): CrawlersFindingEvidence {
  return { object, where, text: clip(text) };
}

/** `Pod <namespace>/<name>`. */
export const podObject = (pod: { namespace: string; name: string }) =>
  `Pod ${pod.namespace}/${pod.name}`;

/** `Task log <dag> <run> <task> try <n>`. */
export const taskLogObject = (log: {
  dagId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
}) => `Task log ${log.dagId} ${log.runId} ${log.taskId} try ${log.tryNumber}`;

/** A check that found nothing. */
export function ok(id: CrawlersFindingId): DiagnosisCheckResult {
  return { check: { id, status: 'ok' }, findings: [] };
}

/** A check whose state could not be read. */
export function unknown(
  id: CrawlersFindingId,
  reason: string,
): DiagnosisCheckResult {
  return { check: { id, status: 'unknown', reason }, findings: [] };
}

/** A check with findings. */
export function found(
  id: CrawlersFindingId,
  findings: CrawlersFinding[],
): DiagnosisCheckResult {
  return findings.length
    ? { check: { id, status: 'finding' }, findings }
    : ok(id);
}

/** The container of a pod by name (init containers included). */
export function container(pod: DiagnosisPod, name: string) {
  return pod.containers.find(c => c.name === name);
}

/** The task log's lines with their flattened multi-line events (Airflow 3 keeps a traceback in one event). */
export function logLines(lines: string[]): string[] {
  return lines.flatMap(l => l.split('\n'));
}
