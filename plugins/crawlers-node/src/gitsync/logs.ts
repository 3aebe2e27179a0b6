/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * What a git-sync container's log says (domain facts §2.6): the commit it last synced and when, the last error and its
 * failCount, whether it gave up, and the branch→ref trap line.
 *
 * @public
 */
export interface GitSyncLogSummary {
  /** `v4-json` (funcr JSON lines), `v3-text` (klog-style lines), or `unknown` when no line was recognised. */
  format: 'v4-json' | 'v3-text' | 'unknown';
  /** The `remote` of the last "updated successfully" (v4) or the hash of the last successful v3 sync. */
  syncedCommit: string | null;
  /** The time of that line, as git-sync wrote it (UTC, "2006-01-02 15:04:05.000000" in v4). */
  syncedAt: string | null;
  /** The last error line after the last success, if any. */
  lastError: {
    message: string;
    at: string | null;
    failCount: number | null;
  } | null;
  /** True when the last sync attempt in the log failed. */
  failing: boolean;
  /** True when git-sync logged "too many failures, aborting" after its last success. */
  aborted: boolean;
  /** True when the log shows "setting --ref from deprecated --branch" (GIT_SYNC_BRANCH overrode the ref). */
  refFromDeprecatedBranch: boolean;
  /** The ref git-sync reported syncing, if a line named it. */
  ref: string | null;
  /** Lines that looked like neither format (kept out of the result, counted). */
  malformedLines: number;
}

type Fields = Record<string, unknown>;

/** klog-style v3 line: `I0101 00:00:00.000000 1 main.go:123] "msg" key="value" …` or `"msg"="…" "key"="…"`. */
const V3_LINE =
  /^([IWEF])(\d{4} \d{2}:\d{2}:\d{2}\.\d+)\s+\d+\s+\S+:\d+\]\s+(.*)$/;

function parseV3(rest: string): Fields | undefined {
  const fields: Fields = {};
  const pair = /"?([A-Za-z][\w]*)"?=(?:"((?:[^"\\]|\\.)*)"|(\S+))/g;
  let text = rest;
  const lead = /^"((?:[^"\\]|\\.)*)"\s*/.exec(rest);
  if (lead && !rest.startsWith(`"${lead[1]}"=`)) {
    fields.msg = lead[1];
    text = rest.slice(lead[0].length);
  }
  for (let m = pair.exec(text); m !== null; m = pair.exec(text)) {
    fields[m[1]] = m[2] !== undefined ? m[2].replace(/\\"/g, '"') : m[3];
  }
  return typeof fields.msg === 'string' ? fields : undefined;
}

function num(value: unknown): number | null {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value ? value : null;
}

/**
 * Reads a git-sync container log (v4 JSON and v3 text lines; malformed lines are counted and skipped).
 *
 * @public
 */
export function parseGitSyncLog(text: string): GitSyncLogSummary {
  const summary: GitSyncLogSummary = {
    format: 'unknown',
    syncedCommit: null,
    syncedAt: null,
    lastError: null,
    failing: false,
    aborted: false,
    refFromDeprecatedBranch: false,
    ref: null,
    malformedLines: 0,
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) {
      continue;
    }
    let fields: Fields | undefined;
    let at: string | null = null;
    if (line.startsWith('{')) {
      try {
        const parsed = JSON.parse(line);
        if (
          parsed &&
          typeof parsed === 'object' &&
          typeof parsed.msg === 'string'
        ) {
          fields = parsed;
          at = str(parsed.ts);
          summary.format = 'v4-json';
        }
      } catch {
        fields = undefined;
      }
    } else {
      const m = V3_LINE.exec(line);
      if (m) {
        fields = parseV3(m[3]);
        at = m[2];
        if (fields && summary.format === 'unknown') {
          summary.format = 'v3-text';
        }
      }
    }
    if (!fields) {
      // env.go warnings ("env $X has been deprecated …") and other plain stderr text are not log records.
      if (/^env \$\w+ (has been deprecated|was overridden)/.test(line)) {
        continue;
      }
      summary.malformedLines++;
      continue;
    }
    const msg = String(fields.msg);
    const ref = str(fields.ref) ?? str(fields.rev);
    if (ref) {
      summary.ref = ref;
    }
    if (msg === 'setting --ref from deprecated --branch') {
      summary.refFromDeprecatedBranch = true;
    } else if (msg === 'updated successfully') {
      summary.syncedCommit = str(fields.remote) ?? str(fields.hash);
      summary.syncedAt = at;
      summary.lastError = null;
      summary.failing = false;
      summary.aborted = false;
    } else if (msg === 'syncing git' && str(fields.hash)) {
      // v3 logs the hash it is about to sync; it counts once no error follows.
      summary.syncedCommit = str(fields.hash);
      summary.syncedAt = at;
      summary.lastError = null;
      summary.failing = false;
    } else if (
      msg === 'error syncing repo, will retry' ||
      msg === 'too many failures, aborting'
    ) {
      summary.lastError = {
        message: str(fields.error) ?? msg,
        at,
        failCount: num(fields.failCount),
      };
      summary.failing = true;
      summary.aborted = msg === 'too many failures, aborting';
    }
  }
  return summary;
}
