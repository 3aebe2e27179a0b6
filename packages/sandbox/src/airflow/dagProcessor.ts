/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DagSpec, parseDagFile } from './dagFile';
import { generatedDagSource } from './generated';
import { PyCompiler } from './pyCompile';
import { cronError } from './schedule';
import { AirflowState } from './state';

/** Options of {@link DagProcessor}. */
export type DagProcessorOptions = {
  /** The synced DAG folder (git-sync's `<root>/<link>`), or undefined before the first sync. */
  dagsFolder: () => string | undefined;
  /** Sub-folder of the repository holding this instance's DAG files (the chart's gitSync.subPath). Default `dags`. */
  subPath?: string;
  /** Where the pod parsing DAGs mounts the repository (`/opt/airflow/dags/repo`; fileloc is `<it>/<subPath>/…`). */
  repoPath: string;
  compiler: PyCompiler;
  airflowMajor: 2 | 3;
  /** Number of in-memory generated DAGs. */
  generatedDags: number;
  /** `[core] dags_are_paused_at_creation` (Airflow's default: true). */
  dagsArePausedAtCreation?: boolean;
};

type FoundDag = { spec: DagSpec; file: string; relative: string; hash: string };
type FileError = { relative: string; message: string };

function listPyFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === '__pycache__') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.py')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Airflow's DAG processor: reads the DAG files of the synced folder (syntax-checked with the real py_compile, then
 * read by the static rule of dagFile.ts) whenever the folder points at another commit, records import errors, and
 * adds the in-memory generated DAGs once.
 */
export class DagProcessor {
  private lastFolderKey: string | undefined;
  private generatedLoaded = false;

  constructor(
    private readonly state: AirflowState,
    private readonly options: DagProcessorOptions,
  ) {}

  /**
   * Re-reads the DAG files when the synced folder points at another commit (always with `force`). Without a synced
   * folder (no DAG processor with synced files runs, e.g. its pod is stuck in Init:CrashLoopBackOff) nothing is
   * parsed and the DAGs stay as last parsed, as they stay in Airflow's database.
   */
  async refresh(force = false): Promise<void> {
    const folder = this.options.dagsFolder();
    let real: string | undefined;
    if (folder) {
      try {
        real = fs.realpathSync(folder);
      } catch {
        real = undefined;
      }
    }
    const now = this.state.now();
    if (!real) {
      if (!this.generatedLoaded) {
        this.loadGenerated(now);
        this.generatedLoaded = true;
        this.state.sortedDagIds = [...this.state.dags.keys()].sort();
        this.state.changed();
      }
      return;
    }
    if (!force && real === this.lastFolderKey && this.generatedLoaded) return;
    this.lastFolderKey = real;
    const started = Date.now();
    const { found, errors } = await this.readFolder(real);
    const parseSeconds = (Date.now() - started) / 1000;

    this.updateImportErrors(errors, now);
    for (const [id, record] of this.state.dags) {
      if (!record.generated && !found.has(id)) record.isActive = false;
    }
    for (const [id, f] of found) {
      this.upsertDag(id, f, now, parseSeconds, false);
    }
    if (!this.generatedLoaded) {
      this.loadGenerated(now);
      this.generatedLoaded = true;
    }
    this.state.sortedDagIds = [...this.state.dags.keys()].sort();
    this.state.changed();
  }

  /** The instance's DAGs folder in the pod: `<repo mount>/<subPath>` (the chart's `airflow_dags`). */
  private dagsFolderInPod(): string {
    const subPath = this.subPath();
    return subPath
      ? `${this.options.repoPath}/${subPath}`
      : this.options.repoPath;
  }

  private subPath(): string {
    return (this.options.subPath ?? 'dags').replace(/^\/+|\/+$/g, '');
  }

  /**
   * Compiles and parses every DAG file of the instance's folder (`<link>/<subPath>`): the DAGs found and the files
   * that failed, by in-pod path (`fileloc`); `relative` is the path inside the DAG bundle (the dags folder).
   */
  private async readFolder(real: string) {
    const bundle = path.join(real, this.subPath());
    const files = listPyFiles(bundle);
    const found = new Map<string, FoundDag>();
    const errors = new Map<string, FileError>();
    const loaded = files.map(file => {
      const content = fs.readFileSync(file, 'utf8');
      const relative = path.relative(bundle, file).split(path.sep).join('/');
      return {
        file,
        content,
        relative,
        inPod: `${this.dagsFolderInPod()}/${relative}`,
      };
    });
    const compiled = await this.options.compiler.checkAll(
      loaded.map(f => ({ path: f.file, content: f.content })),
    );
    for (const r of loaded) {
      const compileError = compiled.get(r.file);
      const hash = crypto.createHash('sha256').update(r.content).digest('hex');
      if (compileError) {
        errors.set(r.inPod, {
          relative: r.relative,
          message: compileError.split(r.file).join(r.inPod),
        });
        continue;
      }
      const parsed = parseDagFile(r.content, {
        airflowMajor: this.options.airflowMajor,
      });
      if (parsed.error) {
        errors.set(r.inPod, { relative: r.relative, message: parsed.error });
        continue;
      }
      for (const spec of parsed.dags) {
        const problem = this.dagProblem(spec, r.inPod, found);
        if (problem) {
          errors.set(r.inPod, { relative: r.relative, message: problem });
          continue;
        }
        found.set(spec.dag_id, {
          spec,
          file: r.inPod,
          relative: r.relative,
          hash,
        });
      }
    }
    return { found, errors };
  }

  /** Why a parsed DAG cannot be loaded (a bad cron expression, an id another file defines), if it cannot. */
  private dagProblem(
    spec: DagSpec,
    inPod: string,
    found: Map<string, FoundDag>,
  ): string | undefined {
    const cronProblem =
      spec.schedule.kind === 'cron'
        ? cronError(spec.schedule.expression)
        : undefined;
    if (cronProblem) {
      return `Traceback (most recent call last):\nairflow.exceptions.AirflowTimetableInvalid: Exception happened in cron expression parsing: ${cronProblem}`;
    }
    const other = found.get(spec.dag_id);
    if (other) {
      return `Traceback (most recent call last):\nairflow.exceptions.AirflowDagDuplicatedIdException: Ignoring DAG ${spec.dag_id} from ${inPod} - also found in ${other.file}`;
    }
    return undefined;
  }

  /** Import errors: keep unchanged ones (same id), replace changed ones, drop fixed ones. */
  private updateImportErrors(errors: Map<string, FileError>, now: string) {
    const importErrors = this.state.importErrors;
    for (const [filename, existing] of importErrors) {
      if (!errors.has(filename) && !existing.filename.includes('/generated/')) {
        importErrors.delete(filename);
      }
    }
    for (const [filename, e] of errors) {
      const existing = importErrors.get(filename);
      if (!existing || existing.stack_trace !== e.message) {
        importErrors.set(filename, {
          id: this.state.takeImportErrorId(),
          filename,
          relativeFilename: e.relative,
          timestamp: now,
          stack_trace: e.message,
        });
      }
    }
  }

  private upsertDag(
    id: string,
    f: FoundDag,
    now: string,
    parseSeconds: number,
    generated: boolean,
  ) {
    const existing = this.state.dags.get(id);
    if (existing) {
      existing.spec = f.spec;
      existing.fileloc = f.file;
      existing.relativeFileloc = f.relative;
      existing.isActive = true;
      existing.lastParsed = now;
      existing.lastParseDuration = parseSeconds;
      const last = existing.versions[existing.versions.length - 1];
      if (!last || last.hash !== f.hash) {
        existing.versions.push({
          id: crypto.randomUUID(),
          number: existing.versions.length + 1,
          createdAt: now,
          hash: f.hash,
        });
      }
      return;
    }
    const persisted = this.state.persistedDags[id];
    this.state.dags.set(id, {
      spec: f.spec,
      fileloc: f.file,
      relativeFileloc: f.relative,
      isPaused:
        persisted?.isPaused ??
        f.spec.is_paused_upon_creation ??
        this.options.dagsArePausedAtCreation ??
        true,
      isActive: true,
      lastParsed: now,
      lastParseDuration: parseSeconds,
      lastScheduledEnd: persisted?.lastScheduledEnd ?? null,
      onceDone: persisted?.onceDone ?? false,
      generated,
      versions: [
        { id: crypto.randomUUID(), number: 1, createdAt: now, hash: f.hash },
      ],
    });
  }

  private loadGenerated(now: string) {
    const count = this.options.generatedDags;
    if (count === 0) return;
    // All generated DAGs come from one template: read it once by the static rule, then vary the ids.
    const template = generatedDagSource(1);
    const parsed = parseDagFile(template.source, {
      airflowMajor: this.options.airflowMajor,
    });
    const base = parsed.dags[0];
    if (!base) {
      throw new Error(
        `the generated DAG template did not parse: ${parsed.error}`,
      );
    }
    for (let i = 1; i <= count; i++) {
      const { dagId, relative, taskName } = generatedDagSource(i);
      const spec: DagSpec = {
        ...base,
        dag_id: dagId,
        tasks: base.tasks.map(t => ({
          ...t,
          kpo: { ...t.kpo, name: taskName },
        })),
      };
      this.upsertDag(
        dagId,
        {
          spec,
          file: `${this.dagsFolderInPod()}/${relative}`,
          relative,
          hash: dagId,
        },
        now,
        0,
        true,
      );
    }
  }
}
