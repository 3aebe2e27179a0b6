/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import type { KubeStoreApi } from './storeApi';
import { KubeEventInput, KubeObject, kubeTimestamp } from './types';

/** Events kept by the store. */
export const MAX_EVENTS = 5000;

/** What recording events needs from the store. */
export type EventStoreAccess = Pick<
  KubeStoreApi,
  'now' | 'create' | 'mergePatch' | 'delete'
>;

/** How long an events.k8s.io recorder folds a repeat into the first event's `series` (client-go: 6 minutes). */
const SERIES_WINDOW_MS = 6 * 60 * 1000;

/** A MicroTime as the API server writes it: RFC 3339 with six fractional digits. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function involvedReference(involved: KubeObject, fieldPath?: string) {
  return {
    kind: involved.kind,
    namespace: involved.metadata.namespace,
    name: involved.metadata.name,
    uid: involved.metadata.uid,
    apiVersion: involved.apiVersion,
    resourceVersion: involved.metadata.resourceVersion,
    ...(fieldPath ? { fieldPath } : {}),
  };
}

function newEventMeta(involved: KubeObject, namespace: string) {
  return {
    name: `${involved.metadata.name}.${crypto.randomBytes(8).toString('hex')}`,
    namespace,
  };
}

/**
 * Records an Event about an object, as the component's recorder does:
 *
 * - core/v1 recorder (no `action`, e.g. the kubelet): `source.component`/`source.host`, `firstTimestamp`,
 *   `lastTimestamp`, `count`; an identical repeat (same object and fieldPath, type, reason, message, source) bumps
 *   `count` and `lastTimestamp`.
 * - events.k8s.io/v1 recorder (with `action`, e.g. the schedulers): empty `source`, `eventTime` (MicroTime),
 *   `reportingComponent`/`reportingInstance`, `action`, no timestamps or count; a repeat within 6 minutes becomes the
 *   first event's `series` (`count`, `lastObservedTime`).
 */
export function recordEvent(
  store: EventStoreAccess,
  /** The stored Event objects, in insertion order. */
  events: KubeObject[],
  namespace: string,
  involved: KubeObject,
  event: KubeEventInput,
): KubeObject {
  return event.action
    ? recordSeriesEvent(store, events, namespace, involved, event)
    : recordLegacyEvent(store, events, namespace, involved, event);
}

function recordLegacyEvent(
  store: EventStoreAccess,
  events: KubeObject[],
  namespace: string,
  involved: KubeObject,
  event: KubeEventInput,
): KubeObject {
  const now = kubeTimestamp(store.now());
  const same = events.find(
    e =>
      e.metadata.namespace === namespace &&
      !e.action &&
      (e.involvedObject as any)?.uid === involved.metadata.uid &&
      (e.involvedObject as any)?.fieldPath === event.fieldPath &&
      e.type === event.type &&
      e.reason === event.reason &&
      e.message === event.message &&
      (e.source as any)?.component === event.component &&
      (e.source as any)?.host === event.host,
  );
  if (same) {
    return store.mergePatch('events', namespace, same.metadata.name, {
      count: ((same.count as number) ?? 1) + 1,
      lastTimestamp: now,
    });
  }
  pruneEvents(store, events);
  return store.create('events', namespace, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: newEventMeta(involved, namespace),
    involvedObject: involvedReference(involved, event.fieldPath),
    reason: event.reason,
    message: event.message,
    source: {
      component: event.component,
      ...(event.host ? { host: event.host } : {}),
    },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    type: event.type,
    eventTime: null,
    reportingComponent: event.component,
    reportingInstance: event.host ?? '',
  });
}

function recordSeriesEvent(
  store: EventStoreAccess,
  events: KubeObject[],
  namespace: string,
  involved: KubeObject,
  event: KubeEventInput,
): KubeObject {
  const now = store.now();
  const same = events.find(
    e =>
      e.metadata.namespace === namespace &&
      e.action === event.action &&
      (e.involvedObject as any)?.uid === involved.metadata.uid &&
      e.type === event.type &&
      e.reason === event.reason &&
      e.message === event.message &&
      e.reportingComponent === event.component &&
      now.getTime() -
        Date.parse(
          ((e.series as any)?.lastObservedTime ?? e.eventTime) as string,
        ) <=
        SERIES_WINDOW_MS,
  );
  if (same) {
    return store.mergePatch('events', namespace, same.metadata.name, {
      series: {
        count: ((same.series as any)?.count ?? 1) + 1,
        lastObservedTime: microTime(now),
      },
    });
  }
  pruneEvents(store, events);
  return store.create('events', namespace, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: newEventMeta(involved, namespace),
    involvedObject: involvedReference(involved, event.fieldPath),
    reason: event.reason,
    message: event.message,
    source: {},
    firstTimestamp: null,
    lastTimestamp: null,
    type: event.type,
    eventTime: microTime(now),
    action: event.action,
    reportingComponent: event.component,
    reportingInstance: event.reportingInstance ?? event.component,
  });
}

/** Keeps at most MAX_EVENTS events, dropping the oldest (the real API server expires them after an hour). */
function pruneEvents(store: EventStoreAccess, events: KubeObject[]): void {
  if (events.length < MAX_EVENTS) return;
  events
    .sort(
      (a, b) =>
        Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion),
    )
    .slice(0, events.length - MAX_EVENTS + 1)
    .forEach(e =>
      store.delete('events', e.metadata.namespace, e.metadata.name),
    );
}
