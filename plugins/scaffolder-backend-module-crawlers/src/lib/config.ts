/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/**
 * Defaults of the module's configuration (see config.d.ts).
 *
 * @public
 */
export const scaffolderCrawlersConfigDefaults = {
  codecommit: {
    /** The branch `publish:codecommit` pushes to when the template does not name one. */
    defaultBranch: 'main',
  },
  dagRepository: {
    publishMode: 'commit' as 'commit' | 'pullRequest',
    pullRequestBranchPrefix: 'crawlers/',
    maxCommitAttempts: 5,
  },
  dagValidation: {
    python: 'python3',
    timeoutMs: 30_000,
  },
  /** Fallback author when neither the template nor `scaffolder.defaultAuthor` names one. */
  author: { name: 'Scaffolder', email: 'scaffolder@backstage.io' },
};

/**
 * `crawlers.aws`: defaults of every AWS client the module's actions build.
 *
 * @public
 */
export type AwsSettings = {
  region?: string;
  accountId?: string;
  endpoint?: string;
  /** Per-service endpoint overrides, keyed by the SDK's service id in lower case (`codecommit`, `ecr`, …). */
  endpoints: Record<string, string>;
};

/**
 * The module's settings, read once at start-up.
 *
 * @public
 */
export type ScaffolderCrawlersSettings = {
  aws: AwsSettings;
  codecommit: { gitUrl?: string; consoleUrl?: string; defaultBranch: string };
  dagRepository: {
    publishMode: 'commit' | 'pullRequest';
    pullRequestBranchPrefix: string;
    maxCommitAttempts: number;
  };
  dagValidation: { python: string; timeoutMs: number };
  author: { name: string; email: string };
  defaultCommitMessage?: string;
};

function optionalUrl(config: Config, key: string): string | undefined {
  const value = config.getOptionalString(key);
  if (value === undefined) {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(`${key} must be an absolute URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`${key} must be an http(s) URL, got "${value}"`);
  }
  return value.replace(/\/+$/, '');
}

/**
 * Reads `crawlers.aws`, `crawlers.scaffolder` and the scaffolder's `defaultAuthor`/`defaultCommitMessage`; a bad
 * value is an `InputError` at start-up naming the key.
 *
 * @public
 */
export function readScaffolderCrawlersSettings(
  config: Config,
): ScaffolderCrawlersSettings {
  const d = scaffolderCrawlersConfigDefaults;
  const endpoints: Record<string, string> = {};
  const endpointsConfig = config.getOptionalConfig('crawlers.aws.endpoints');
  for (const service of endpointsConfig?.keys() ?? []) {
    endpoints[service.toLocaleLowerCase('en-US')] = optionalUrl(
      config,
      `crawlers.aws.endpoints.${service}`,
    )!;
  }
  const publishMode =
    config.getOptionalString('crawlers.scaffolder.dagRepository.publishMode') ??
    d.dagRepository.publishMode;
  if (publishMode !== 'commit' && publishMode !== 'pullRequest') {
    throw new InputError(
      `crawlers.scaffolder.dagRepository.publishMode must be "commit" or "pullRequest", got "${publishMode}"`,
    );
  }
  const maxCommitAttempts =
    config.getOptionalNumber(
      'crawlers.scaffolder.dagRepository.maxCommitAttempts',
    ) ?? d.dagRepository.maxCommitAttempts;
  if (
    !Number.isInteger(maxCommitAttempts) ||
    maxCommitAttempts < 1 ||
    maxCommitAttempts > 20
  ) {
    throw new InputError(
      `crawlers.scaffolder.dagRepository.maxCommitAttempts must be an integer from 1 to 20, got ${maxCommitAttempts}`,
    );
  }
  const timeoutMs =
    config.getOptionalNumber('crawlers.scaffolder.dagValidation.timeoutMs') ??
    d.dagValidation.timeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 1000) {
    throw new InputError(
      `crawlers.scaffolder.dagValidation.timeoutMs must be at least 1000, got ${timeoutMs}`,
    );
  }
  return {
    aws: {
      region: config.getOptionalString('crawlers.aws.region'),
      accountId: config.getOptionalString('crawlers.aws.accountId'),
      endpoint: optionalUrl(config, 'crawlers.aws.endpoint'),
      endpoints,
    },
    codecommit: {
      gitUrl: optionalUrl(config, 'crawlers.scaffolder.codecommit.gitUrl'),
      consoleUrl: optionalUrl(
        config,
        'crawlers.scaffolder.codecommit.consoleUrl',
      ),
      defaultBranch:
        config.getOptionalString(
          'crawlers.scaffolder.codecommit.defaultBranch',
        ) ?? d.codecommit.defaultBranch,
    },
    dagRepository: {
      publishMode,
      pullRequestBranchPrefix:
        config.getOptionalString(
          'crawlers.scaffolder.dagRepository.pullRequestBranchPrefix',
        ) ?? d.dagRepository.pullRequestBranchPrefix,
      maxCommitAttempts,
    },
    dagValidation: {
      python:
        config.getOptionalString('crawlers.scaffolder.dagValidation.python') ??
        d.dagValidation.python,
      timeoutMs,
    },
    author: {
      name:
        config.getOptionalString('scaffolder.defaultAuthor.name') ??
        d.author.name,
      email:
        config.getOptionalString('scaffolder.defaultAuthor.email') ??
        d.author.email,
    },
    defaultCommitMessage: config.getOptionalString(
      'scaffolder.defaultCommitMessage',
    ),
  };
}
