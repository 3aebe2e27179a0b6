/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import fs from 'node:fs';
import path from 'node:path';
import { generatedDagSource } from '../airflow/generated';
import { PyCompiler } from '../airflow/pyCompile';
import { SandboxLogger } from '../util/logger';

/** Syntax-checks the one template the generated DAGs share (once, not once per DAG). */
async function checkGeneratedDagTemplate(
  compiler: PyCompiler,
  dataDir: string,
): Promise<void> {
  const template = path.join(dataDir, 'pycache', 'generated_dag_template.py');
  fs.mkdirSync(path.dirname(template), { recursive: true });
  const { source } = generatedDagSource(1);
  fs.writeFileSync(template, source);
  const problem = await compiler.check(template, source);
  if (problem)
    throw new Error(`the generated DAG template does not compile: ${problem}`);
}

/**
 * Creates the Python compiler of both Airflows and starts, beside the rest of the start, its warm-up and (with
 * generated DAGs) the template check. A failed template check is logged here, as the start may fail before it
 * awaits `templateCheck`.
 */
export function prepareCompiler(options: {
  dataDir: string;
  generatedDags?: number;
  logger: SandboxLogger;
}): {
  compiler: PyCompiler;
  warm: Promise<unknown>;
  templateCheck: Promise<void>;
} {
  const { dataDir } = options;
  const compiler = new PyCompiler({
    pycachePrefix: path.join(dataDir, 'pycache'),
    resultsFile: path.join(dataDir, 'pycache', 'py_compile-results.json'),
  });
  const warm = compiler.warmUp();
  const templateCheck = options.generatedDags
    ? checkGeneratedDagTemplate(compiler, dataDir)
    : Promise.resolve();
  templateCheck.catch(error =>
    options.logger.error('the generated DAG template check failed', {
      error: (error as Error).message,
    }),
  );
  return { compiler, warm, templateCheck };
}
