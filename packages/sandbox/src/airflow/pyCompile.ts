/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Result of a syntax check: undefined when the file compiles, else the compiler's message. */
export type CompileResult = string | undefined;

type Stored = Record<string, { path: string; message: string | null }>;

/**
 * Syntax-checks Python files with the real `python3 -m py_compile`. Files are checked in batches
 * (`python3 -m py_compile a.py b.py …` stops at the first broken file, so a batch costs one process plus one per
 * broken file), results are cached by content hash (and kept across restarts with `resultsFile`), and byte code
 * goes to a private folder (PYTHONPYCACHEPREFIX) so the synced worktree stays untouched.
 */
export class PyCompiler {
  private readonly cache = new Map<
    string,
    { path: string; message: CompileResult }
  >();
  private resolved: Promise<string> | undefined;
  private stored: Stored | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** How many python processes were started (for tests and benchmarks). */
  spawned = 0;

  constructor(
    private readonly options: {
      python?: string;
      pycachePrefix?: string;
      /** JSON file keeping results by content hash across restarts. */
      resultsFile?: string;
    } = {},
  ) {}

  /** Checks one file; `content` is its current text. */
  async check(filePath: string, content: string): Promise<CompileResult> {
    return (await this.checkAll([{ path: filePath, content }])).get(filePath);
  }

  /** Checks files, compiling only contents never seen before; returns each path's result. */
  checkAll(
    files: Array<{ path: string; content: string }>,
  ): Promise<Map<string, CompileResult>> {
    const run = this.queue.then(() => this.checkAllNow(files));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async checkAllNow(
    files: Array<{ path: string; content: string }>,
  ): Promise<Map<string, CompileResult>> {
    const keyed = files.map(f => ({
      ...f,
      key: crypto.createHash('sha256').update(f.content).digest('hex'),
    }));
    const stored = this.loadStored();
    const todo: typeof keyed = [];
    for (const f of keyed) {
      if (this.cache.has(f.key)) continue;
      const hit = stored[f.key];
      if (hit) {
        this.cache.set(f.key, {
          path: hit.path,
          message: hit.message ?? undefined,
        });
      } else if (!todo.some(t => t.key === f.key)) {
        todo.push(f);
      }
    }
    let remaining = todo;
    while (remaining.length > 0) {
      const result = await this.compile(remaining.map(f => f.path));
      if (result.ok) {
        for (const f of remaining) this.remember(f.key, f.path, undefined);
        break;
      }
      const failedIndex = remaining.findIndex(
        f =>
          result.message.includes(`"${f.path}"`) ||
          result.message.includes(f.path),
      );
      if (failedIndex < 0) {
        // Not attributable (e.g. an unreadable file): check one by one.
        for (const f of remaining) {
          const single = await this.compile([f.path]);
          this.remember(f.key, f.path, single.ok ? undefined : single.message);
        }
        break;
      }
      for (const f of remaining.slice(0, failedIndex))
        this.remember(f.key, f.path, undefined);
      const failed = remaining[failedIndex];
      this.remember(failed.key, failed.path, result.message);
      remaining = remaining.slice(failedIndex + 1);
    }
    this.saveStored();
    const out = new Map<string, CompileResult>();
    for (const f of keyed) {
      const entry = this.cache.get(f.key)!;
      out.set(
        f.path,
        entry.message === undefined
          ? undefined
          : entry.message.split(entry.path).join(f.path),
      );
    }
    return out;
  }

  private remember(key: string, filePath: string, message: CompileResult) {
    this.cache.set(key, { path: filePath, message });
    this.loadStored()[key] = { path: filePath, message: message ?? null };
  }

  private loadStored(): Stored {
    if (this.stored) return this.stored;
    this.stored = {};
    const file = this.options.resultsFile;
    if (file && fs.existsSync(file)) {
      try {
        this.stored = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch {
        this.stored = {};
      }
    }
    return this.stored!;
  }

  private saveStored() {
    const file = this.options.resultsFile;
    if (!file || !this.stored) return;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(this.stored));
  }

  /** Resolves the interpreter ahead of the first check (start-up runs it beside other work). */
  warmUp(): Promise<string> {
    return this.interpreter();
  }

  /** The interpreter behind `python3` (resolved once: version-manager shims cost a shell per call). */
  private interpreter(): Promise<string> {
    if (!this.resolved) {
      const python = this.options.python ?? 'python3';
      this.resolved = new Promise(resolve => {
        execFile(
          python,
          ['-c', 'import sys; print(sys.executable)'],
          { timeout: 30_000 },
          (error, stdout) => {
            const exe = String(stdout).trim();
            resolve(!error && exe ? exe : python);
          },
        );
      });
    }
    return this.resolved;
  }

  private async compile(
    paths: string[],
  ): Promise<{ ok: true } | { ok: false; message: string }> {
    this.spawned++;
    const python = await this.interpreter();
    return new Promise(resolve => {
      execFile(
        python,
        ['-m', 'py_compile', ...paths],
        {
          env: {
            ...process.env,
            PYTHONPYCACHEPREFIX:
              this.options.pycachePrefix ??
              path.join(os.tmpdir(), 'crawler-sandbox-pycache'),
          },
          timeout: 60_000,
          maxBuffer: 16 * 1024 * 1024,
        },
        (error, _stdout, stderr) => {
          if (!error) {
            resolve({ ok: true });
            return;
          }
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
            resolve({
              ok: false,
              message: `${python} was not found on PATH: the sandbox needs python3 to syntax-check DAG files`,
            });
            return;
          }
          resolve({
            ok: false,
            message: String(stderr).trim() || error.message,
          });
        },
      );
    });
  }
}
