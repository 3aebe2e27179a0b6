/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { EventEmitter } from 'node:events';
import { JsonFile } from '../util/persist';
import { SandboxLogger, silentLogger } from '../util/logger';

/** A source of "now": the sandbox clock (Date) or anything returning epoch milliseconds. */
export interface NowSource {
  now(): Date | number;
}

/** Options of a {@link StateStore}. */
export interface StateStoreOptions<T> {
  /** The JSON file that keeps the state; none keeps it in memory only. */
  file?: string;
  /** The state when the file does not exist yet. */
  initial: () => T;
  /** The clock timestamps come from; the wall clock when absent. */
  clock?: NowSource;
  /** Where failures of timers and listeners are reported; silent when absent. */
  logger?: SandboxLogger;
  /** How long writes are coalesced, in ms. */
  writeDelayMs?: number;
}

/**
 * The small state store every stand-in builds on: a JSON document persisted shortly after each change, the clock
 * its timestamps come from, an event emitter for what happened, and timers that are stopped on close. Domain modules
 * (one per AWS service, the Kubernetes object store, an Airflow instance) keep their own slice of `state` and call
 * `changed()` after each mutation.
 */
export class StateStore<T> {
  readonly state: T;
  /** Domain events (a plain EventEmitter: a listener that throws throws into `emit`; guard listeners with `guard`). */
  readonly events = new EventEmitter();
  readonly logger: SandboxLogger;
  private readonly file: JsonFile<T>;
  private readonly clock?: NowSource;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(options: StateStoreOptions<T>) {
    this.clock = options.clock;
    this.logger = options.logger ?? silentLogger;
    this.state = JsonFile.read<T>(options.file) ?? options.initial();
    this.file = new JsonFile(
      options.file,
      () => this.state,
      options.writeDelayMs,
    );
    this.events.setMaxListeners(100);
  }

  /** The current time of the store's clock. */
  now(): Date {
    const v = this.clock ? this.clock.now() : new Date();
    return v instanceof Date ? v : new Date(v);
  }

  /** Schedules a write of the state (coalesced). */
  changed(): void {
    this.file.schedule();
  }

  /** Writes the state now. */
  flush(): void {
    this.file.flush();
  }

  /**
   * Runs `fn` after `ms` unless the store is closed first. A failure of `fn` (thrown or rejected) is logged with
   * `what`, never swallowed.
   */
  after(ms: number, what: string, fn: () => unknown): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.guard(what, fn);
    }, ms);
    timer.unref?.();
    this.timers.add(timer);
  }

  /** Runs `fn`, logging (not throwing) a synchronous failure or a rejection. */
  guard(what: string, fn: () => unknown): void {
    try {
      const result = fn();
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        (result as Promise<unknown>).then(undefined, e => this.fail(what, e));
      }
    } catch (e) {
      this.fail(what, e);
    }
  }

  /** Stops pending timers and writes the state. */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.file.flush();
  }

  private fail(what: string, e: unknown): void {
    this.logger.error(`${what} failed: ${(e as Error)?.message ?? String(e)}`);
  }
}
