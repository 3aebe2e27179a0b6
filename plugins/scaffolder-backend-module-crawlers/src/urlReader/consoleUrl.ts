/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** Where a CodeCommit console URL points: repository, commit specifier (a ref or commit) and path. */
export type CodeCommitLocation = {
  region?: string;
  repositoryName: string;
  /** `refs/heads/main`, a commit ID, or undefined for the default branch. */
  commitSpecifier?: string;
  /** Path in the repository without a leading slash; '' is the root. */
  path: string;
};

const CONSOLE_HOST = /^([a-z]{2}(?:-[a-z]+)+-\d)\.console\.aws\.amazon\.com$/;
const BROWSE_PATH =
  /^\/codesuite\/codecommit\/repositories\/([^/]+)\/browse(?:\/(.+?))?\/--(?:\/(.*))?$/;

/** The region of an AWS console host (`eu-west-1.console.aws.amazon.com`), if it is one. */
export function consoleHostRegion(host: string): string | undefined {
  return CONSOLE_HOST.exec(host)?.[1];
}

/**
 * Parses the console form `publish:codecommit` outputs as `repoContentsUrl` (with a file path appended):
 * `<console>/codesuite/codecommit/repositories/<name>/browse/<ref>/--/<path>`. The region comes from the console
 * host or the `region` query parameter. Undefined for any other URL.
 */
export function parseCodeCommitConsoleUrl(
  url: URL,
): CodeCommitLocation | undefined {
  const match = BROWSE_PATH.exec(url.pathname);
  if (!match) {
    return undefined;
  }
  const [, rawName, rawSpecifier, rawPath] = match;
  let repositoryName: string;
  let path: string;
  try {
    repositoryName = decodeURIComponent(rawName);
    path = decodeURIComponent(rawPath ?? '');
  } catch {
    return undefined;
  }
  if (!/^[\w.-]{1,100}$/.test(repositoryName)) {
    return undefined;
  }
  const segments = path.split('/').filter(Boolean);
  if (segments.some(s => s === '.' || s === '..')) {
    return undefined;
  }
  return {
    region:
      consoleHostRegion(url.host) ??
      url.searchParams.get('region') ??
      undefined,
    repositoryName,
    commitSpecifier: rawSpecifier || undefined,
    path: segments.join('/'),
  };
}
