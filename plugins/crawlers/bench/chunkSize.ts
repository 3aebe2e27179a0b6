/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/* eslint-disable no-console */

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** One production chunk of the app that holds code of this plugin. */
export interface PluginChunk {
  file: string;
  /** Bytes of the emitted file. */
  bytes: number;
  /** Bytes of the emitted file, gzipped (level 9). */
  gzipBytes: number;
  /** Bytes of the plugin's own modules in the chunk, before minification (from the bundle stats). */
  pluginModuleBytes: number;
  /** All modules' bytes in the chunk, before minification. */
  moduleBytes: number;
  /** Whether the app loads it lazily (only when a crawler's card or tab is shown). */
  lazy: boolean;
}

const PLUGIN_DIR = /plugins[\\/]crawlers[\\/]src[\\/]/;

interface StatsModule {
  identifier?: string;
  name?: string;
  size?: number;
  modules?: StatsModule[];
}

interface StatsChunk {
  id: string | number;
  files?: string[];
  initial?: boolean;
  entry?: boolean;
  modules?: StatsModule[];
}

function flatten(modules: StatsModule[] = []): StatsModule[] {
  return modules.flatMap(m => (m.modules?.length ? flatten(m.modules) : [m]));
}

function isPluginModule(m: StatsModule): boolean {
  return PLUGIN_DIR.test(m.identifier ?? m.name ?? '');
}

/**
 * Builds the app with bundle stats (`yarn workspace app build --stats`) unless `packages/app/dist/bundle-stats.json`
 * exists already, then returns the chunks that hold modules of `plugins/crawlers/src`, with their gzip size.
 */
export function measurePluginChunks(options: {
  root: string;
  rebuild: boolean;
}): PluginChunk[] {
  const dist = path.join(options.root, 'packages/app/dist');
  const statsFile = path.join(dist, 'bundle-stats.json');
  if (options.rebuild || !fs.existsSync(statsFile)) {
    console.log(
      'Building the app with bundle stats (yarn workspace app build --stats)…',
    );
    const build = spawnSync('yarn', ['workspace', 'app', 'build', '--stats'], {
      cwd: options.root,
      stdio: 'inherit',
    });
    if (build.status !== 0) {
      throw new Error(`The app build failed (exit ${build.status})`);
    }
  }
  const stats = JSON.parse(fs.readFileSync(statsFile, 'utf8')) as {
    chunks?: StatsChunk[];
    children?: Array<{ chunks?: StatsChunk[] }>;
  };
  const chunks =
    stats.chunks ?? stats.children?.flatMap(c => c.chunks ?? []) ?? [];
  const result: PluginChunk[] = [];
  for (const chunk of chunks) {
    const modules = flatten(chunk.modules);
    const plugin = modules.filter(isPluginModule);
    if (plugin.length === 0) continue;
    for (const file of (chunk.files ?? []).filter(f => f.endsWith('.js'))) {
      const content = fs.readFileSync(path.join(dist, file));
      result.push({
        file,
        bytes: content.length,
        gzipBytes: zlib.gzipSync(content, { level: 9 }).length,
        pluginModuleBytes: plugin.reduce((n, m) => n + (m.size ?? 0), 0),
        moduleBytes: modules.reduce((n, m) => n + (m.size ?? 0), 0),
        lazy: !chunk.initial,
      });
    }
  }
  return result;
}
