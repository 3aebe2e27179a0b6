/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Readers of the texts the real system writes (domain facts §5.5, §8, §9), accepting every listed variant: older and
 * newer containerd 403 texts, kubelet 1.32's `Back-off pulling image "<img>": ErrImagePull: …`, provider < 10.5 start
 * timeouts and ≥ 10.5 fast fails, the RBAC 403 body with or without JSON escaping, Airflow 2 and 3 "DAG not found".
 */

/**
 * What made an image pull fail.
 *
 * @public
 */
export type PullFailureKind = 'forbidden' | 'not-found' | 'timeout' | 'other';

/** `\"` inside JSON bodies and Python reprs reads as `"`. */
export const unescape = (text: string) => text.replace(/\\+"/g, '"');

/**
 * Classifies a pull error (a waiting message, a kubelet `Failed` event, or a task log line).
 *
 * @public
 */
export function classifyPullError(message: string): PullFailureKind {
  const text = unescape(message);
  if (
    // newer containerd: `unexpected status from HEAD request to https://…/manifests/<tag>: 403 Forbidden`;
    // older: `pulling from host <h> failed with status code [manifests <tag>]: 403 Forbidden`; layers:
    // `unexpected status code https://…/blobs/sha256:…: 403 Forbidden`
    /\b403 Forbidden\b/.test(text) ||
    /status code \[manifests [^\]]*\]: 403\b/.test(text)
  ) {
    return 'forbidden';
  }
  if (/code = NotFound\b/.test(text) || /: not found\b/.test(text)) {
    return 'not-found';
  }
  if (
    /\bi\/o timeout\b/.test(text) ||
    /dial tcp [^ ]+: connect: connection timed out/.test(text) ||
    /TLS handshake timeout/.test(text) ||
    /context deadline exceeded/.test(text)
  ) {
    return 'timeout';
  }
  return 'other';
}

/** True for texts that report a failed image pull at all (waiting reasons, events, fast-fail lines). */
export function isPullFailure(text: string): boolean {
  return (
    /\bErrImagePull\b|\bImagePullBackOff\b|Failed to pull image|failed to pull and unpack image|Pod docker image cannot be pulled/.test(
      text,
    ) || /Back-off pulling image/.test(text)
  );
}

const IMAGE_IN_MESSAGE =
  /(?:Failed to pull image|Back-off pulling image|failed to pull and unpack image|failed to resolve reference|Pulling image) "([^"\s]+)"/;

/** The image a pull message names (`Failed to pull image "<img>"`, `Back-off pulling image "<img>"`, …). */
export function imageInMessage(message: string): string | null {
  return IMAGE_IN_MESSAGE.exec(unescape(message))?.[1] ?? null;
}

/** An image reference split into registry host, repository and tag (Docker's normalisation for bare names). */
export function parseImage(image: string): {
  host: string;
  repository: string;
  tag: string | null;
} {
  const [withoutDigest, digest] = image.split('@');
  const slash = withoutDigest.indexOf('/');
  const first = slash >= 0 ? withoutDigest.slice(0, slash) : '';
  const hasHost =
    slash >= 0 &&
    (first.includes('.') || first.includes(':') || first === 'localhost');
  const host = hasHost ? first : 'docker.io';
  let rest = hasHost ? withoutDigest.slice(slash + 1) : withoutDigest;
  let tag: string | null = digest ?? null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = digest ?? rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (!hasHost && !rest.includes('/')) {
    rest = `library/${rest}`;
  }
  return { host, repository: rest, tag: tag ?? (digest ? null : 'latest') };
}

/** An ECR registry host (`<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`). */
export function parseEcrHost(
  host: string,
): { registryId: string; region: string } | null {
  const m =
    /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/.exec(
      host,
    );
  return m ? { registryId: m[1], region: m[2] } : null;
}

/** The registry host a pull message names (in a URL, or `pulling from host <h>`), for messages without the image. */
export function hostInMessage(message: string): string | null {
  const text = unescape(message);
  return (
    /https:\/\/([^/\s"]+)\/v2\//.exec(text)?.[1] ??
    /pulling from host (\S+) failed/.exec(text)?.[1] ??
    null
  );
}

/**
 * A Kubernetes RBAC refusal: `pods "x" is forbidden: User "u" cannot get resource "pods/log" in API group "" in the namespace "ns"`.
 *
 * @public
 */
export interface RbacRefusal {
  user: string;
  verb: string;
  resource: string;
  apiGroup: string;
  namespace: string;
  /** The object named, when the request named one. */
  name: string | null;
  /** The message as the API server wrote it (unescaped). */
  text: string;
}

const RBAC_REFUSAL =
  /\b[a-z][\w./-]*(?: "([^"]+)")? is forbidden: User "([^"]+)" cannot (\w+) resource "([^"]+)" in API group "([^"]*)" in the namespace "([^"]+)"/;

/**
 * The RBAC refusal a line reports (escaped in JSON bodies or not), if any.
 *
 * @public
 */
export function parseRbacRefusal(line: string): RbacRefusal | null {
  const text = unescape(line);
  const m = RBAC_REFUSAL.exec(text);
  if (!m) {
    return null;
  }
  return {
    name: m[1] ?? null,
    user: m[2],
    verb: m[3],
    resource: m[4],
    apiGroup: m[5],
    namespace: m[6],
    text: m[0],
  };
}

/** A service account user name `system:serviceaccount:<ns>:<name>`. */
export function parseServiceAccountUser(
  user: string,
): { namespace: string; name: string } | null {
  const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user);
  return m ? { namespace: m[1], name: m[2] } : null;
}

/** The KubernetesPodOperator's start-up failures, by provider version (§4). */
export type StartFailure =
  | { kind: 'image'; reason: string; message: string | null }
  | { kind: 'unscheduled'; line: string }
  | { kind: 'start-timeout'; line: string };

/**
 * The start-up failure a task log reports: ≥ 10.5 `PodLaunchFailedException: Pod docker image cannot be pulled, unable
 * to start: <reason>` (the waiting message on the next line) and `PodLaunchTimeoutException: Pod took too long to be
 * scheduled on the cluster…`; the start timeouts of every version (`Pod took too long to start`, < 10.5 `Pod took
 * longer than <n> seconds to start`). Matched by class name and message, never by module path.
 */
export function startFailureIn(lines: string[]): StartFailure | null {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const image =
      /Pod docker image cannot be pulled, unable to start: (\w+)/.exec(line);
    if (image) {
      const rest = line.slice(image.index + image[0].length).trim();
      const next = lines
        .slice(i + 1, i + 3)
        .find(l => l.trim() && l.trim() !== 'None');
      return {
        kind: 'image',
        reason: image[1],
        message: rest || next?.trim() || null,
      };
    }
    if (/Pod took too long to be scheduled on the cluster/.test(line)) {
      return { kind: 'unscheduled', line: line.trim() };
    }
    if (
      /Pod took too long to start\b/.test(line) ||
      /Pod took longer than \d+ seconds to start/.test(line)
    ) {
      return { kind: 'start-timeout', line: line.trim() };
    }
  }
  return null;
}

/** `The Pod has an Event: <message> from <fieldPath>` (provider ≥ 10.6), each as message and field path. */
export function podEventsInLog(
  lines: string[],
): Array<{ message: string; fieldPath: string | null; line: string }> {
  const events = [];
  for (const line of lines) {
    const m = /The Pod has an Event: (.*) from (\S+)\s*$/.exec(line);
    if (m) {
      events.push({
        message: m[1],
        fieldPath: m[2] === 'None' ? null : m[2],
        line: line.trim(),
      });
    }
  }
  return events;
}

/** The worker's "DAG not found" (§8): Airflow 2's AirflowException, or Airflow 3's structured start-up event. */
export function dagNotFoundIn(
  lines: string[],
): { dagId: string | null; text: string; airflow: 2 | 3 } | null {
  for (const line of lines) {
    const a2 =
      /Dag '([^']+)' could not be found; either it does not exist or it failed to parse/.exec(
        line,
      );
    if (a2) {
      return { dagId: a2[1], text: line.trim(), airflow: 2 };
    }
    if (/Dag not found during start up/.test(line)) {
      let dagId: string | null = null;
      try {
        const parsed = JSON.parse(line.trim());
        dagId = typeof parsed.dag_id === 'string' ? parsed.dag_id : null;
      } catch {
        dagId = /dag_id[=:]\s*"?'?([\w.-]+)/.exec(line)?.[1] ?? null;
      }
      return { dagId, text: line.trim(), airflow: 3 };
    }
  }
  return null;
}

/** Whether a default-scheduler FailedScheduling message says no node fits (§5.4, with or without the taint's key). */
export function isNoNodeFits(message: string): boolean {
  return (
    /no nodes available to schedule pods/.test(message) ||
    /\d+\/\d+ nodes are available/.test(message)
  );
}

/**
 * What a git-sync error (git's stderr inside `Run(git fetch …)`) says went wrong.
 *
 * @public
 */
export type GitSyncErrorKind = 'auth' | 'missing-ref' | 'timeout' | 'other';

/**
 * Classifies a git-sync error message (§2.6: git's own stderr, nothing git-sync words itself).
 *
 * @public
 */
export function classifyGitSyncError(message: string): GitSyncErrorKind {
  const text = unescape(message);
  if (
    /The requested URL returned error: 40[13]\b/.test(text) ||
    /Authentication failed for/i.test(text) ||
    /could not read (Username|Password) for/.test(text) ||
    /terminal prompts disabled/.test(text) ||
    /HTTP Basic: Access denied/.test(text) ||
    /Invalid username or password/i.test(text) ||
    /Permission denied \(publickey/.test(text)
  ) {
    return 'auth';
  }
  if (
    /couldn't find remote ref/.test(text) ||
    /Remote branch \S+ not found/.test(text)
  ) {
    return 'missing-ref';
  }
  if (
    /context deadline exceeded/.test(text) ||
    /\bi\/o timeout\b/.test(text) ||
    /Connection timed out|Failed to connect to|Could not resolve host/.test(
      text,
    )
  ) {
    return 'timeout';
  }
  return 'other';
}

/**
 * Shortens a quoted text to about `max` characters, keeping its start and its end (where containerd, git and the API
 * server put the cause: `…: 403 Forbidden`, `…: i/o timeout`).
 */
export function clip(text: string, max = 400): string {
  const flat = text.trim();
  if (flat.length <= max) {
    return flat;
  }
  const head = Math.floor(max / 3);
  return `${flat.slice(0, head)} … ${flat.slice(
    flat.length - (max - head - 3),
  )}`;
}
