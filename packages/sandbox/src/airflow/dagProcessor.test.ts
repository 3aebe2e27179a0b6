/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../clock';
import { silentLogger } from '../util/logger';
import { dagRepositoryFiles } from '../seedContent';
import { syncedFolder } from '../testing/airflowFixtures';
import { DagProcessor } from './dagProcessor';
import { PyCompiler } from './pyCompile';
import { AirflowState } from './state';

describe('DagProcessor', () => {
  const clock = new ManualClock('2026-06-01T12:30:00Z');
  const compiler = new PyCompiler({
    pycachePrefix: path.join(os.tmpdir(), 'dag-processor-test-pycache'),
  });
  let folder: ReturnType<typeof syncedFolder>;
  let linked: string | undefined;

  const processorFor = (major: 2 | 3, subPath: string) => {
    const state = new AirflowState({ clock, logger: silentLogger });
    const processor = new DagProcessor(state, {
      dagsFolder: () => linked,
      subPath,
      repoPath: '/opt/airflow/dags/repo',
      compiler,
      airflowMajor: major,
      generatedDags: 0,
    });
    return { state, processor };
  };

  beforeEach(() => {
    folder = syncedFolder(dagRepositoryFiles());
    linked = folder.dir;
  });

  afterEach(() => folder.remove());

  it("should load only the instance's own folder of the repository, with file locations under <repo>/<subPath>", async () => {
    const a2 = processorFor(2, 'airflow2');
    await a2.processor.refresh();
    expect([...a2.state.dags.keys()]).toEqual(['news_crawler']);
    expect(a2.state.dags.get('news_crawler')).toMatchObject({
      fileloc: '/opt/airflow/dags/repo/airflow2/news_crawler.py',
      relativeFileloc: 'news_crawler.py',
    });
    expect(a2.state.importErrors.size).toBe(0);

    const a3 = processorFor(3, 'airflow3');
    await a3.processor.refresh();
    expect([...a3.state.dags.keys()]).toEqual(['price_crawler']);
    expect(a3.state.dags.get('price_crawler')).toMatchObject({
      fileloc: '/opt/airflow/dags/repo/airflow3/price_crawler.py',
      relativeFileloc: 'price_crawler.py',
    });
    const [error] = [...a3.state.importErrors.values()];
    expect(error).toMatchObject({
      filename: '/opt/airflow/dags/repo/airflow3/price_crawler_backfill.py',
      relativeFilename: 'price_crawler_backfill.py',
    });
  });

  it("should record Airflow's import error trace for a file that does not compile, starting with Traceback", async () => {
    const { state, processor } = processorFor(3, 'airflow3');
    await processor.refresh();
    const [error] = [...state.importErrors.values()];
    const lines = error.stack_trace.split('\n');
    expect(lines[0]).toBe('Traceback (most recent call last):');
    expect(lines[1]).toMatch(
      /^ {2}File "<frozen importlib\._bootstrap_external>", line \d+, in source_to_code$/,
    );
    expect(lines[2]).toMatch(
      /^ {2}File "<frozen importlib\._bootstrap>", line \d+, in _call_with_frames_removed$/,
    );
    expect(lines[3]).toMatch(
      /^ {2}File "\/opt\/airflow\/dags\/repo\/airflow3\/price_crawler_backfill\.py", line \d+$/,
    );
    expect(lines[4]).toContain('env_vars={"TARGET_URL"');
    expect(lines[5]).toMatch(/^ +\^+$/);
    expect(lines[6]).toBe("SyntaxError: '{' was never closed");
    expect(error.stack_trace).not.toContain(folder.dir);
  });

  it('should keep the DAGs as last parsed while no synced folder is available', async () => {
    const { state, processor } = processorFor(2, 'airflow2');
    await processor.refresh();
    linked = undefined;
    await processor.refresh(true);
    expect(state.dags.get('news_crawler')?.isActive).toBe(true);
    linked = path.join(folder.dir, 'missing');
    await processor.refresh(true);
    expect(state.dags.get('news_crawler')?.isActive).toBe(true);
    // A commit without the file deactivates the DAG.
    fs.rmSync(path.join(folder.dir, 'airflow2/news_crawler.py'));
    linked = folder.dir;
    await processor.refresh(true);
    expect(state.dags.get('news_crawler')?.isActive).toBe(false);
  });
});
