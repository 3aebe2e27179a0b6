/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  checkBranchName,
  checkRepositoryName,
  CodeCommitConsoleLinks,
  ensureRepository,
} from '../lib/codecommit';
import { consoleUrlFor, CrawlersScaffolderDeps } from '../lib/deps';
import {
  codeCommitGitBaseUrl,
  codeCommitGitCredentials,
} from '../lib/gitPassword';
import { pushDirectory } from '../lib/gitPush';
import { ENTITY_TAG_KEY, normalizeEntityRef } from '../lib/ownership';
import { resolvedRegion, workspacePath } from '../lib/workspace';
import { examples } from './publishCodeCommit.examples';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The URL git pushes to: `crawlers.scaffolder.codecommit.gitUrl` when set, else the repository's clone URL. */
function pushUrlOf(
  gitUrl: string | undefined,
  cloneUrlHttp: string,
  repositoryName: string,
): string {
  const url = gitUrl ? `${gitUrl}/v1/repos/${repositoryName}` : cloneUrlHttp;
  const parsed = new URL(url);
  if (
    parsed.protocol !== 'https:' &&
    !(parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname))
  ) {
    // The SigV4 password would cross the network in clear text.
    throw new InputError(
      `Refusing to send git credentials to ${parsed.origin} over ${parsed.protocol}: CodeCommit git URLs must be https (plain http only on the loopback interface)`,
    );
  }
  return url;
}

/**
 * `publish:codecommit`: creates a CodeCommit repository tagged with the entity (or adopts one that already carries
 * this entity's tag) and pushes the workspace to it with the system git over HTTPS, authenticated with the SigV4
 * password git-remote-codecommit derives from the backend's AWS credentials.
 *
 * @public
 */
export function createPublishCodeCommitAction(
  options: Pick<CrawlersScaffolderDeps, 'aws' | 'settings' | 'integrations'>,
) {
  const { aws, settings } = options;
  return createTemplateAction({
    id: 'publish:codecommit',
    description:
      'Creates an AWS CodeCommit repository tagged with the entity (crawler-platform.io/entity), or adopts one that ' +
      'already carries this entity’s tag, and pushes the workspace (or sourcePath) to its default branch with git ' +
      'over HTTPS: file modes kept, any number of files, no force push. A rerun with the same content adds no commit.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        repositoryName: z =>
          z
            .string()
            .describe(
              'Name of the CodeCommit repository: 1–100 letters, digits, "_", "." or "-", not ending in .git.',
            ),
        entityRef: z =>
          z
            .string()
            .describe(
              'The catalog entity that owns the repository, e.g. component:default/news-crawler. New repositories are ' +
                'tagged crawler-platform.io/entity with it; an existing repository is adopted only when its tag names it.',
            ),
        description: z =>
          z
            .string()
            .max(1000)
            .optional()
            .describe(
              'Repository description (at most 1,000 characters), set when the repository is created.',
            ),
        sourcePath: z =>
          z
            .string()
            .optional()
            .describe(
              'Folder of the workspace to push, relative to it. Default: the whole workspace.',
            ),
        defaultBranch: z =>
          z
            .string()
            .optional()
            .describe(
              'Branch to push to. Default: crawlers.scaffolder.codecommit.defaultBranch (main).',
            ),
        region: z =>
          z
            .string()
            .optional()
            .describe(
              'AWS region of the repository. Default: crawlers.aws.region, else the backend’s AWS_REGION.',
            ),
        gitCommitMessage: z =>
          z
            .string()
            .optional()
            .describe(
              'Message of the commit. Default: scaffolder.defaultCommitMessage, else "Initial commit".',
            ),
        gitAuthorName: z =>
          z
            .string()
            .optional()
            .describe(
              'Author of the commit. Default: scaffolder.defaultAuthor.name.',
            ),
        gitAuthorEmail: z =>
          z
            .string()
            .optional()
            .describe(
              'Author email of the commit. Default: scaffolder.defaultAuthor.email.',
            ),
      },
      output: {
        remoteUrl: z =>
          z.string().describe('The repository’s page in the AWS console.'),
        repoContentsUrl: z =>
          z
            .string()
            .describe(
              'Browse URL of the branch root in the form Backstage’s awsCodeCommit reader reads; append /catalog-info.yaml for catalog:register.',
            ),
        cloneUrlHttp: z =>
          z
            .string()
            .describe(
              'HTTPS clone URL (use git-remote-codecommit or HTTPS git credentials to clone).',
            ),
        commitHash: z =>
          z
            .string()
            .describe(
              'Head of the branch after publishing (the existing head when nothing changed; "dry-run" in a dry run).',
            ),
        repositoryArn: z =>
          z.string().describe('ARN of the CodeCommit repository.'),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const repositoryName = input.repositoryName.trim();
      checkRepositoryName(repositoryName, 'repositoryName');
      const entityRef = normalizeEntityRef(input.entityRef);
      const branch = input.defaultBranch ?? settings.codecommit.defaultBranch;
      checkBranchName(branch, 'defaultBranch');
      const sourceDir = await workspacePath(
        ctx.workspacePath,
        input.sourcePath,
        { field: 'sourcePath', kind: 'directory' },
      );

      const client = new CodeCommitClient(
        await aws.clientOptions('codecommit', { region: input.region }),
      );
      const region = await resolvedRegion(client);
      const links = new CodeCommitConsoleLinks(
        consoleUrlFor(options, region),
        region,
        repositoryName,
      );
      ctx.logger.info(
        `Publishing ${
          input.sourcePath ?? 'the workspace'
        } to CodeCommit repository ${repositoryName} (${region}), branch ${branch}, for ${entityRef}`,
      );

      const ensure = async () => {
        const ensured = await ensureRepository(client, {
          repositoryName,
          description: input.description,
          entityRef,
          dryRun: !!ctx.isDryRun,
          logger: ctx.logger,
        });
        return {
          state: ensured.state,
          arn:
            ensured.metadata?.Arn ??
            `arn:aws:codecommit:${region}:<account>:${repositoryName}`,
          cloneUrlHttp:
            ensured.metadata?.cloneUrlHttp ??
            `${codeCommitGitBaseUrl(region)}/v1/repos/${repositoryName}`,
        };
      };
      const repository = ctx.isDryRun
        ? await ensure()
        : await ctx.checkpoint({
            key: `codecommit.repository.${repositoryName}`,
            fn: ensure,
          });
      const pushUrl = pushUrlOf(
        settings.codecommit.gitUrl,
        repository.cloneUrlHttp,
        repositoryName,
      );

      let commitHash = 'dry-run';
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would push ${sourceDir} to ${pushUrl} branch ${branch} (${
            repository.state === 'absent' ? 'a new repository' : 'adopted'
          }); nothing was pushed`,
        );
      } else {
        const credentials = await aws.credentials({});
        const host = new URL(pushUrl).host;
        const result = await ctx.checkpoint({
          key: `codecommit.push.${repositoryName}.${branch}`,
          fn: async () => {
            const pushed = await pushDirectory({
              sourceDir,
              tempDir: await ctx.createTemporaryDirectory(),
              remoteUrl: pushUrl,
              branch,
              auth: async () =>
                codeCommitGitCredentials({
                  credentials: await credentials(),
                  region,
                  host,
                  repositoryName,
                  date: new Date(),
                }),
              author: {
                name: input.gitAuthorName ?? settings.author.name,
                email: input.gitAuthorEmail ?? settings.author.email,
              },
              message:
                input.gitCommitMessage ??
                settings.defaultCommitMessage ??
                'Initial commit',
              logger: ctx.logger,
              signal: ctx.signal,
            });
            return { commitHash: pushed.commitHash, pushed: pushed.pushed };
          },
        });
        commitHash = result.commitHash;
        ctx.logger.info(
          result.pushed
            ? `Pushed ${commitHash} to ${repositoryName}/${branch}`
            : `${repositoryName}/${branch} already had this content at ${commitHash}`,
        );
      }

      ctx.output('remoteUrl', links.repository());
      ctx.output('repoContentsUrl', links.contents(branch));
      ctx.output('cloneUrlHttp', repository.cloneUrlHttp);
      ctx.output('commitHash', commitHash);
      ctx.output('repositoryArn', repository.arn);
      ctx.logger.info(
        `Repository ${repositoryName} is ${entityRef}'s (tag ${ENTITY_TAG_KEY}): ${repository.state}`,
      );
    },
  });
}
