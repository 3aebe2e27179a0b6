/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Result of a syntax check: undefined when the file compiles, else Airflow's import error text. */
export type CompileResult = string | undefined;

type Stored = Record<string, { path: string; message: string | null }>;

/** Versions the cached results: a result computed by an older rule is computed again. */
const RESULT_FORMAT = 'import-traceback-v1';

/** `[core] dagbag_import_error_traceback_depth` (Airflow's default, both versions). */
export const IMPORT_ERROR_TRACEBACK_DEPTH = 2;

/** Files per python process. */
const BATCH = 200;

/**
 * Compiles each file (argv) the way Airflow's DagBag loads a DAG file — `SourceFileLoader(name, path)`, whose
 * `get_code` compiles the source — without executing it, and prints `{path: null | traceback}` as JSON; the
 * traceback is `traceback.format_exc(limit=-depth)`, what DagBag stores as the import error's stack trace.
 */
const IMPORT_CHECK_SCRIPT = `
import importlib.machinery, json, sys, traceback
sys.dont_write_bytecode = True
depth = int(sys.argv[1])
out = {}
for i, path in enumerate(sys.argv[2:]):
    name = "unusual_prefix_sandbox_%d" % i
    try:
        importlib.machinery.SourceFileLoader(name, path).get_code(name)
        out[path] = None
    except Exception:
        out[path] = traceback.format_exc(limit=-depth)
sys.stdout.write(json.dumps(out))
`;

/**
 * Checks Python DAG files with the real interpreter as Airflow's DagBag does, without running them: a file that
 * does not compile gets the stack trace DagBag records for it — `Traceback (most recent call last):`, the last
 * `dagbag_import_error_traceback_depth` (2) frames of importlib's compile, then the compiler's own SyntaxError lines
 * (`File "<path>", line N`, the source line, the caret, `SyntaxError: …`). Frames and messages are those of the
 * local python3 (the frame line numbers differ between Python versions). All files of a check go to one process;
 * results are cached by content hash (and kept across restarts with `resultsFile`), with the path of the first check
 * replaced by each caller's path; byte code is never written.
 */
export class PyCompiler {
  private readonly cache = new Map<
    string,
    { path: string; message: CompileResult }
  >();
  private resolved: Promise<string> | undefined;
  private stored: Stored | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** Checks asked for while another runs: they share the next python process. */
  private pending: Array<{
    files: Array<{ path: string; content: string }>;
    resolve: (results: Map<string, CompileResult>) => void;
    reject: (error: unknown) => void;
  }> = [];
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

  /**
   * Checks files, compiling only contents never seen before; returns each path's result. Checks asked for while
   * one runs are done together, in one process.
   */
  checkAll(
    files: Array<{ path: string; content: string }>,
  ): Promise<Map<string, CompileResult>> {
    return new Promise((resolve, reject) => {
      this.pending.push({ files, resolve, reject });
      if (this.pending.length === 1) {
        this.queue = this.queue.then(() => this.flush());
      }
    });
  }

  /** Runs every pending check in one go and answers each caller with its own files' results. */
  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const results = await this.checkAllNow(batch.flatMap(b => b.files));
      let at = 0;
      for (const b of batch) {
        const mine = results.slice(at, at + b.files.length);
        at += b.files.length;
        b.resolve(new Map(b.files.map((f, i) => [f.path, mine[i]])));
      }
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }

  /** The results of `files`, in their order. */
  private async checkAllNow(
    files: Array<{ path: string; content: string }>,
  ): Promise<CompileResult[]> {
    const keyed = files.map(f => ({
      ...f,
      path: path.resolve(f.path),
      asked: f.path,
      key: crypto
        .createHash('sha256')
        .update(`${RESULT_FORMAT}\0${f.content}`)
        .digest('hex'),
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
    for (let i = 0; i < todo.length; i += BATCH) {
      const batch = todo.slice(i, i + BATCH);
      const results = await this.compile(batch.map(f => f.path));
      for (const f of batch) this.remember(f.key, f.path, results.get(f.path));
    }
    if (todo.length) this.saveStored();
    return keyed.map(f => {
      const entry = this.cache.get(f.key)!;
      return entry.message === undefined
        ? undefined
        : entry.message.split(entry.path).join(f.asked);
    });
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

  /** Runs the import check over `paths` in one process; each path's result. */
  private async compile(paths: string[]): Promise<Map<string, CompileResult>> {
    this.spawned++;
    const python = await this.interpreter();
    return new Promise(resolve => {
      execFile(
        python,
        [
          '-c',
          IMPORT_CHECK_SCRIPT,
          String(IMPORT_ERROR_TRACEBACK_DEPTH),
          ...paths,
        ],
        {
          env: {
            ...process.env,
            PYTHONDONTWRITEBYTECODE: '1',
            PYTHONPYCACHEPREFIX:
              this.options.pycachePrefix ??
              path.join(os.tmpdir(), 'crawler-sandbox-pycache'),
          },
          timeout: 60_000,
          maxBuffer: 64 * 1024 * 1024,
        },
        (error, stdout, stderr) => {
          const all = (message: string) =>
            new Map<string, CompileResult>(paths.map(p => [p, message]));
          if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
            resolve(
              all(
                `${python} was not found on PATH: the sandbox needs python3 to check DAG files`,
              ),
            );
            return;
          }
          try {
            const parsed = JSON.parse(String(stdout)) as Record<
              string,
              string | null
            >;
            resolve(new Map(paths.map(p => [p, parsed[p] ?? undefined])));
          } catch {
            resolve(
              all(
                `the DAG file check failed: ${
                  String(stderr).trim() || error?.message || 'no output'
                }`,
              ),
            );
          }
        },
      );
    });
  }
}
