/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import fs from 'node:fs';
import path from 'node:path';

/**
 * A JSON document on disk written shortly after each change (coalescing bursts) and on flush().
 * Without a file path it keeps nothing on disk.
 */
export class JsonFile<T> {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string | undefined,
    private readonly snapshot: () => T,
    private readonly delayMs = 25,
  ) {}

  /** Reads the document, or returns undefined when there is none yet. */
  static read<T>(file: string | undefined): T | undefined {
    if (!file || !fs.existsSync(file)) {
      return undefined;
    }
    const text = fs.readFileSync(file, 'utf8');
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new Error(
        `Sandbox state file ${file} is not valid JSON (${
          (e as Error).message
        }); delete it to start from a fresh state`,
      );
    }
  }

  schedule(): void {
    if (!this.file || this.timer) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.delayMs);
    this.timer.unref?.();
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.file) {
      return;
    }
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.snapshot()));
    fs.renameSync(tmp, this.file);
  }
}
