/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  dagClaimTag,
  dagFileCarriesClaimTag,
  readAirflowInstancesConfig,
} from '@crawler-platform/plugin-crawlers-node';
import {
  checkBranchName,
  checkRepositoryName,
  CodeCommitConsoleLinks,
} from '../lib/codecommit';
import {
  assertDagFileClaim,
  branchHead,
  commitDagFile,
  ensureBranch,
  fileAt,
  openPullRequest,
} from '../lib/dagRepository';
import { consoleUrlFor, CrawlersScaffolderDeps } from '../lib/deps';
import { normalizeEntityRef } from '../lib/ownership';
import { resolvedRegion, workspacePath } from '../lib/workspace';
import { examples } from './crawlersDagPublish.examples';

/** CodeCommit's limit for one file sent through the API (domain-facts §7.2). */
const MAX_FILE_BYTES = 6 * 1024 * 1024;

type Location = {
  repositoryName: string;
  branch: string;
  subPath: string;
  region?: string;
  accountId?: string;
  endpoint?: string;
};

/** The DAG repository: the inputs' overrides over the Airflow instance's `dagRepository` config. */
function dagRepositoryLocation(
  deps: Pick<CrawlersScaffolderDeps, 'config'>,
  input: {
    airflowInstance?: string;
    repositoryName?: string;
    branch?: string;
    subPath?: string;
  },
): Location {
  const instances = readAirflowInstancesConfig(deps.config);
  const instance = input.airflowInstance
    ? instances.find(i => i.name === input.airflowInstance)
    : instances.find(i => i.dagRepository);
  if (input.airflowInstance && !instance) {
    throw new InputError(
      `airflowInstance "${
        input.airflowInstance
      }" is not configured; known instances: ${
        instances.map(i => i.name).join(', ') || 'none'
      } (crawlers.airflow.instances)`,
    );
  }
  const repo = instance?.dagRepository;
  const repositoryName = input.repositoryName ?? repo?.repositoryName;
  if (!repositoryName) {
    throw new InputError(
      `No DAG repository: give repositoryName, or configure crawlers.airflow.instances[].dagRepository${
        instance ? ` for ${instance.name}` : ''
      }`,
    );
  }
  const subPath = (input.subPath ?? repo?.subPath ?? '').replace(
    /^\/+|\/+$/g,
    '',
  );
  if (subPath.split('/').some(s => s === '..' || s === '.')) {
    throw new InputError(
      `subPath "${subPath}" must be a folder of the repository without "." or ".." segments`,
    );
  }
  const sameRepository =
    !input.repositoryName || input.repositoryName === repo?.repositoryName;
  return {
    repositoryName,
    branch: input.branch ?? repo?.branch ?? 'main',
    subPath,
    region: sameRepository ? repo?.region : undefined,
    accountId: sameRepository ? repo?.accountId : undefined,
    endpoint: sameRepository ? repo?.endpoint : undefined,
  };
}

/**
 * `crawlers:dag:publish`: adds or updates a crawler's DAG file (`<subPath>/<file>.py`) in the shared DAG repository
 * that git-sync follows — a CreateCommit on the branch head, retried when the branch moved — or, when
 * `crawlers.scaffolder.dagRepository.publishMode` is `pullRequest`, commits it to its own branch and opens a pull
 * request. An existing file is updated only when it carries this entity's claim tag.
 *
 * @public
 */
export function createCrawlersDagPublishAction(
  options: Pick<
    CrawlersScaffolderDeps,
    'aws' | 'settings' | 'integrations' | 'config'
  >,
) {
  const { aws, settings } = options;
  const { publishMode, pullRequestBranchPrefix, maxCommitAttempts } =
    settings.dagRepository;
  return createTemplateAction({
    id: 'crawlers:dag:publish',
    description:
      'Adds or updates a crawler’s DAG file in the shared DAG repository that git-sync follows (CreateCommit on the ' +
      'branch head, retried when the branch moves), or opens a pull request when the platform configures ' +
      'crawlers.scaffolder.dagRepository.publishMode: pullRequest. An existing file is updated only when it carries ' +
      'this entity’s claim tag; another entity’s file fails the step, naming it.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        sourcePath: z =>
          z
            .string()
            .describe(
              'The DAG file in the workspace, relative to it (rendered by fetch:template), e.g. dag/news_crawler.py. Its DAG tags must carry the entity’s claim tag.',
            ),
        entityRef: z =>
          z
            .string()
            .describe(
              'The crawler entity, e.g. component:default/news-crawler; an existing file must carry its claim tag.',
            ),
        fileName: z =>
          z
            .string()
            .optional()
            .describe(
              'File name in the repository (<name>.py). Default: the name of sourcePath.',
            ),
        airflowInstance: z =>
          z
            .string()
            .optional()
            .describe(
              'Airflow instance (crawlers.airflow.instances[].name) whose dagRepository (repository, branch, subPath, region) is used. Default: the first instance with a dagRepository.',
            ),
        repositoryName: z =>
          z
            .string()
            .optional()
            .describe(
              'CodeCommit DAG repository. Default: the instance’s dagRepository.repositoryName.',
            ),
        branch: z =>
          z
            .string()
            .optional()
            .describe(
              'Branch git-sync follows. Default: the instance’s dagRepository.branch, else main.',
            ),
        subPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Folder of the repository the Airflow reads (the chart’s dags.gitSync.subPath). Default: the instance’s dagRepository.subPath.',
            ),
        commitMessage: z =>
          z
            .string()
            .optional()
            .describe(
              'Commit message. Default: "Add or update DAG <file> for <entity>".',
            ),
        authorName: z =>
          z
            .string()
            .optional()
            .describe('Commit author. Default: scaffolder.defaultAuthor.name.'),
        authorEmail: z =>
          z
            .string()
            .optional()
            .describe(
              'Commit author email. Default: scaffolder.defaultAuthor.email.',
            ),
      },
      output: {
        repositoryName: z => z.string().describe('The DAG repository.'),
        branch: z => z.string().describe('The branch git-sync follows.'),
        filePath: z =>
          z.string().describe('Path of the DAG file in the repository.'),
        commitId: z =>
          z
            .string()
            .describe(
              'Commit that holds the file (on the branch, or on the pull request’s branch); the head when nothing changed.',
            ),
        changed: z =>
          z
            .boolean()
            .describe(
              'Whether the file was added or changed (false when it already had this content).',
            ),
        fileUrl: z =>
          z
            .string()
            .describe(
              'The file in the AWS console, on the branch git-sync follows.',
            ),
        pullRequestId: z =>
          z
            .string()
            .optional()
            .describe(
              'The pull request, in pullRequest mode when the file changed.',
            ),
        pullRequestUrl: z =>
          z
            .string()
            .optional()
            .describe('The pull request in the AWS console.'),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const entityRef = normalizeEntityRef(input.entityRef);
      const claimTag = dagClaimTag(entityRef);
      const file = await workspacePath(ctx.workspacePath, input.sourcePath, {
        field: 'sourcePath',
        kind: 'file',
      });
      const fileName = input.fileName ?? path.basename(file);
      if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*\.py$/.test(fileName)) {
        throw new InputError(
          `fileName "${fileName}" must be a Python file name (letters, digits, "_", "." or "-", ending in .py)`,
        );
      }
      const content = await fs.readFile(file);
      if (content.length > MAX_FILE_BYTES) {
        throw new InputError(
          `${input.sourcePath} is ${content.length} bytes; CodeCommit takes at most 6 MB per file through its API`,
        );
      }
      if (!dagFileCarriesClaimTag(content.toString('utf8'), claimTag)) {
        throw new InputError(
          `${input.sourcePath} does not carry the claim tag "${claimTag}" in its DAG tags; add it, or the DAG will not be ${entityRef}'s`,
        );
      }
      const location = dagRepositoryLocation(options, input);
      checkRepositoryName(location.repositoryName, 'repositoryName');
      checkBranchName(location.branch, 'branch');
      const filePath = location.subPath
        ? `${location.subPath}/${fileName}`
        : fileName;

      const client = new CodeCommitClient(
        await aws.clientOptions('codecommit', location),
      );
      const region = await resolvedRegion(client);
      const links = new CodeCommitConsoleLinks(
        consoleUrlFor(options, region),
        region,
        location.repositoryName,
      );
      const { repositoryName, branch } = location;
      const author = {
        name: input.authorName ?? settings.author.name,
        email: input.authorEmail ?? settings.author.email,
      };
      const message =
        input.commitMessage ?? `Add or update DAG ${fileName} for ${entityRef}`;
      const target = {
        client,
        repositoryName,
        filePath,
        entityRef,
        claimTag,
        content,
        logger: ctx.logger,
        author,
        message,
        maxAttempts: maxCommitAttempts,
        dryRun: !!ctx.isDryRun,
      };
      ctx.logger.info(
        `Publishing ${filePath} to ${repositoryName} (${region}) for ${entityRef} by ${
          publishMode === 'pullRequest'
            ? 'pull request'
            : `a commit on ${branch}`
        }`,
      );
      ctx.output('repositoryName', repositoryName);
      ctx.output('branch', branch);
      ctx.output('filePath', filePath);
      ctx.output('fileUrl', `${links.contents(branch)}/${filePath}`);

      if (publishMode === 'commit') {
        const run = () => commitDagFile({ ...target, branch });
        const result = ctx.isDryRun
          ? await run()
          : await ctx.checkpoint({
              key: `dag.commit.${repositoryName}.${branch}.${filePath}`,
              fn: async () => {
                const r = await run();
                return { commitId: r.commitId ?? '', changed: r.changed };
              },
            });
        ctx.output('commitId', result.commitId ?? '');
        ctx.output('changed', result.changed);
        return;
      }

      // Pull request mode: the file's own branch, a commit on it, a pull request into the branch git-sync follows.
      const base = await branchHead(client, repositoryName, branch);
      if (!base) {
        throw new InputError(
          `Branch ${branch} does not exist in DAG repository ${repositoryName}; a pull request needs it`,
        );
      }
      const onBase = await fileAt(client, repositoryName, base, filePath);
      assertDagFileClaim(onBase, target, branch);
      if (onBase?.equals(content)) {
        ctx.logger.info(
          `${filePath} on ${branch} already has this content (${base}); no pull request needed`,
        );
        ctx.output('commitId', base);
        ctx.output('changed', false);
        return;
      }
      const prBranch = `${pullRequestBranchPrefix}${fileName.replace(
        /\.py$/,
        '',
      )}`;
      checkBranchName(prBranch, 'the pull request branch');
      if (ctx.isDryRun) {
        const prHead = await branchHead(client, repositoryName, prBranch);
        if (prHead) {
          assertDagFileClaim(
            await fileAt(client, repositoryName, prHead, filePath),
            target,
            prBranch,
          );
        }
        ctx.logger.info(
          `Dry run: would commit ${filePath} to ${prBranch} and open a pull request into ${branch}; nothing was written`,
        );
        ctx.output('commitId', prHead ?? base);
        ctx.output('changed', true);
        return;
      }
      await ctx.checkpoint({
        key: `dag.pr.branch.${repositoryName}.${prBranch}`,
        fn: () =>
          ensureBranch(client, repositoryName, prBranch, base, ctx.logger),
      });
      const committed = await ctx.checkpoint({
        key: `dag.pr.commit.${repositoryName}.${prBranch}.${filePath}`,
        fn: async () => {
          const r = await commitDagFile({ ...target, branch: prBranch });
          return { commitId: r.commitId ?? '', changed: r.changed };
        },
      });
      const pullRequestId = await ctx.checkpoint({
        key: `dag.pr.open.${repositoryName}.${prBranch}`,
        fn: () =>
          openPullRequest({
            client,
            repositoryName,
            source: prBranch,
            destination: branch,
            title: `Add or update DAG ${fileName} for ${entityRef}`,
            description: `${message}\n\nOpened by the Backstage scaffolder (crawlers:dag:publish). The file carries the claim tag ${claimTag}.`,
            logger: ctx.logger,
          }),
      });
      ctx.output('commitId', committed.commitId);
      ctx.output('changed', true);
      ctx.output('pullRequestId', pullRequestId);
      ctx.output('pullRequestUrl', links.pullRequest(pullRequestId));
    },
  });
}
