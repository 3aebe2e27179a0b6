/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { badRequest } from './errors';
import { KubeObject, KubeReadLogOptions, LogLine, PodLogRecord } from './types';

/** Lines kept per container log. */
const MAX_LOG_LINES = 10000;

/** Why a container without log lines cannot be read yet, by its waiting reason. */
const WAITING_MESSAGES: Record<string, string> = {
  ImagePullBackOff: 'trying and failing to pull image',
  ErrImagePull: "image can't be pulled",
};

/**
 * The container logs of the store's pods (the `logs` part of `kube.json`, by `<namespace>/<pod>`): what the kubelet
 * appends, the `previous` log of a restarted container, and `GET pods/{name}/log` with the API server's errors.
 */
export class PodLogs {
  constructor(
    private readonly logs: Record<string, PodLogRecord>,
    private readonly store: { now(): Date; changed(): void },
  ) {}

  /** Appends lines to a container's current log (one line per `\n`-separated line of text). */
  append(namespace: string, pod: string, container: string, text: string) {
    const key = `${namespace}/${pod}`;
    const podLogs = (this.logs[key] = this.logs[key] ?? {});
    const log = (podLogs[container] = podLogs[container] ?? { current: [] });
    const t = this.store.now().toISOString();
    for (const line of text.replace(/\n$/, '').split('\n')) {
      log.current.push({ t, line });
    }
    if (log.current.length > MAX_LOG_LINES)
      log.current.splice(0, log.current.length - MAX_LOG_LINES);
    this.store.changed();
  }

  /** A container restarted: its current log becomes the `previous` one. */
  rotate(namespace: string, pod: string, container: string): void {
    const log = this.logs[`${namespace}/${pod}`]?.[container];
    if (log) {
      log.previous = log.current;
      log.current = [];
      this.store.changed();
    }
  }

  /** Drops the logs of a deleted pod. */
  forget(namespace: string | undefined, pod: string): void {
    delete this.logs[`${namespace}/${pod}`];
  }

  /** Reads a container log of `obj` (the stored pod) as `GET pods/{name}/log` does, with the API server's errors. */
  read(
    obj: KubeObject,
    container: string | undefined,
    options: KubeReadLogOptions = {},
  ): string {
    const namespace = obj.metadata.namespace;
    const pod = obj.metadata.name;
    const name = containerName(obj, container);
    const logs = this.logs[`${namespace}/${pod}`]?.[name];
    let lines: LogLine[];
    if (options.previous) {
      if (!logs?.previous) {
        throw badRequest(
          `previous terminated container "${name}" in pod "${pod}" not found`,
        );
      }
      lines = logs.previous;
    } else {
      if (!logs?.current.length) assertStarted(obj, name);
      lines = logs?.current ?? [];
    }
    if (options.sinceSeconds !== undefined) {
      const since = this.store.now().getTime() - options.sinceSeconds * 1000;
      lines = lines.filter(l => Date.parse(l.t) >= since);
    }
    if (options.tailLines !== undefined) {
      lines = options.tailLines <= 0 ? [] : lines.slice(-options.tailLines);
    }
    return lines
      .map(l =>
        options.timestamps
          ? `${l.t.replace(/Z$/, '000000Z')} ${l.line}`
          : l.line,
      )
      .map(l => `${l}\n`)
      .join('');
  }
}

/** The container a log request names: the only main container when none is given. */
function containerName(obj: KubeObject, container: string | undefined) {
  const pod = obj.metadata.name;
  const spec = obj.spec as Record<string, any>;
  const names: string[] = [
    ...(spec.initContainers ?? []),
    ...spec.containers,
  ].map((c: any) => c.name);
  const mainNames: string[] = spec.containers.map((c: any) => c.name);
  let name = container;
  if (!name) {
    if (mainNames.length !== 1) {
      throw badRequest(
        `a container name must be specified for pod ${pod}, choose one of: [${mainNames.join(
          ' ',
        )}]`,
      );
    }
    name = mainNames[0];
  }
  if (!names.includes(name)) {
    throw badRequest(`container ${name} is not valid for pod ${pod}`);
  }
  return name;
}

/** Throws the API server's 400 for a container without log lines that has not started yet. */
function assertStarted(obj: KubeObject, name: string): void {
  const statuses = [
    ...(((obj.status as any)?.initContainerStatuses ?? []) as any[]),
    ...(((obj.status as any)?.containerStatuses ?? []) as any[]),
  ];
  const st = statuses.find(s => s.name === name);
  if (!st?.state?.running && !st?.state?.terminated) {
    const reason = st?.state?.waiting?.reason;
    const why = WAITING_MESSAGES[reason] ?? reason ?? 'ContainerCreating';
    throw badRequest(
      `container "${name}" in pod "${obj.metadata.name}" is waiting to start: ${why}`,
    );
  }
}
