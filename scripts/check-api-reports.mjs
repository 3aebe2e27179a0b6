#!/usr/bin/env node
/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
// `yarn test:api-reports`: every plugin's committed report*.api.md must match its public API.
// API Extractor prints the members of inferred unions and object types in the order the type checker met them, which
// differs between a fresh and an incremental type-check; this check compares the reports with the members of each
// union and object type sorted, so it fails on real API changes only. Regenerate with `yarn build:api-reports`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
);
const omit =
  'ae-undocumented,ae-cyclic-inherit-doc,ae-missing-getter,ae-wrong-input-file-type';
const plugins = fs
  .readdirSync(path.join(root, 'plugins'))
  .map(d => path.join('plugins', d))
  .filter(d => fs.existsSync(path.join(root, d, 'package.json')));

const indent = line => line.length - line.trimStart().length;

/**
 * Which kind of sortable member a line starts: a union member (`| …`) or a property of an inferred object type
 * (`name: …` or `name?: …`, indented); undefined for any other line.
 */
function memberKind(line) {
  const trimmed = line.trimStart();
  if (trimmed.startsWith('| ')) return 'union';
  if (indent(line) > 0 && /^(readonly )?[\w$]+\??: /.test(trimmed)) {
    return 'property';
  }
  return undefined;
}

/**
 * Sorts the members of each union (`| …` lines at one indentation) and of each object type (property lines at one
 * indentation), each with the more indented lines that continue it, so that their order does not matter: API
 * Extractor prints inferred types in the order the type checker met their members, which differs between builds.
 */
function normalise(text) {
  const lines = text.split('\n');
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const kind = memberKind(line);
    if (!kind) {
      out.push(line);
      i++;
      continue;
    }
    const level = indent(line);
    const members = [];
    while (
      i < lines.length &&
      memberKind(lines[i]) === kind &&
      indent(lines[i]) === level
    ) {
      const first = lines[i++];
      const rest = [];
      while (
        i < lines.length &&
        lines[i].trim() !== '' &&
        indent(lines[i]) > level
      ) {
        rest.push(lines[i++]);
      }
      members.push(
        rest.length ? `${first}\n${normalise(rest.join('\n'))}` : first,
      );
    }
    out.push(...members.sort());
  }
  return out.join('\n');
}

let failures = 0;
let checked = 0;
let output = '';
// One run per package: API Extractor stops at the first package whose report differs (even in union order only), and
// each run clears the previous run's reports, so each package is compared right after its own run.
for (const dir of plugins) {
  const run = spawnSync(
    'yarn',
    [
      'backstage-repo-tools',
      'api-reports',
      '--ci',
      '--allow-all-warnings',
      '-o',
      omit,
      dir,
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  const runOutput = `${run.stdout}\n${run.stderr}\n`;
  output += runOutput;
  const pkg = JSON.parse(
    fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8'),
  );
  const unscoped = pkg.name.replace(/^@[^/]+\//, '');
  for (const file of fs.readdirSync(path.join(root, dir))) {
    const m = /^report(-[^.]+)?\.api\.md$/.exec(file);
    if (!m) continue;
    const suffix = m[1] ?? '';
    const generated = path.join(
      root,
      'node_modules/.cache/api-extractor',
      `${unscoped}${suffix}`,
      `report${suffix}.api.md`,
    );
    checked++;
    if (!fs.existsSync(generated)) {
      // API Extractor writes its report only when it differs from the committed one; a package it never reached
      // is a failure.
      if (!new RegExp(`^## Processing ${dir}$`, 'm').test(runOutput)) {
        console.error(`${dir}/${file}: API Extractor did not process ${dir}`);
        failures++;
      }
      continue;
    }
    const committed = fs.readFileSync(path.join(root, dir, file), 'utf8');
    const current = fs.readFileSync(generated, 'utf8');
    if (normalise(committed) !== normalise(current)) {
      console.error(
        `${dir}/${file} does not match the package's public API: run \`yarn build:api-reports\` and commit the report`,
      );
      failures++;
    } else if (/^\/\/ Warning/m.test(current)) {
      console.error(`${dir}/${file}: the report has warnings; fix them`);
      failures++;
    }
  }
}
if (failures) {
  // API Extractor's own words, for the details of a difference or a failure.
  console.log(output.slice(-4000));
}
console.log(`API reports: ${checked} checked, ${failures} differing`);
process.exit(failures ? 1 : 0);
