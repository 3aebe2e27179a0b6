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

/**
 * Records an Event about an object; an identical repeat (same object, reason, message and component) bumps `count`
 * and `lastTimestamp`, as the real recorder does.
 */
export function recordEvent(
  store: EventStoreAccess,
  /** The stored Event objects, in insertion order. */
  events: KubeObject[],
  namespace: string,
  involved: KubeObject,
  event: KubeEventInput,
): KubeObject {
  const now = kubeTimestamp(store.now());
  const same = events.find(
    e =>
      e.metadata.namespace === namespace &&
      (e.involvedObject as any)?.uid === involved.metadata.uid &&
      e.reason === event.reason &&
      e.message === event.message &&
      (e.source as any)?.component === event.component,
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
    metadata: {
      name: `${involved.metadata.name}.${crypto
        .randomBytes(8)
        .toString('hex')}`,
      namespace,
    },
    involvedObject: {
      kind: involved.kind,
      namespace: involved.metadata.namespace,
      name: involved.metadata.name,
      uid: involved.metadata.uid,
      apiVersion: involved.apiVersion,
      resourceVersion: involved.metadata.resourceVersion,
    },
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
