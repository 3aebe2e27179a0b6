/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { execFileSync } from 'node:child_process';
import {
  CodeCommitClient,
  CreateRepositoryCommand,
  GetRepositoryCommand,
  RepositoryDoesNotExistException,
} from '@aws-sdk/client-codecommit';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { mockClient } from 'aws-sdk-client-mock';
import yaml from 'yaml';
import { actionContext, outputsOf, testDeps } from '../__testUtils__/context';
import { startGitHttpServer } from '../__testUtils__/gitHttpServer';
import { createPublishCodeCommitAction } from './publishCodeCommit';
import { examples } from './publishCodeCommit.examples';

const cc = mockClient(CodeCommitClient);
const workspace = createMockDirectory();
const remotes = createMockDirectory();

describe('publish:codecommit examples', () => {
  let git: Awaited<ReturnType<typeof startGitHttpServer>>;
  beforeEach(async () => {
    cc.reset();
    workspace.setContent({
      'catalog-info.yaml': 'kind: Component\n',
      'crawler/crawler.py': 'print("crawl")\n',
    });
    remotes.clear();
    git = await startGitHttpServer(remotes.path);
    cc.on(GetRepositoryCommand).rejects(
      new RepositoryDoesNotExistException({ message: 'absent', $metadata: {} }),
    );
    cc.on(CreateRepositoryCommand).callsFake(input => {
      git.createRepository(input.repositoryName);
      return {
        repositoryMetadata: {
          repositoryName: input.repositoryName,
          Arn: `arn:aws:codecommit:eu-west-1:000000000000:${input.repositoryName}`,
          cloneUrlHttp: `https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/${input.repositoryName}`,
        },
      };
    });
  });
  afterEach(() => git.stop());

  it.each(examples.map((e, i) => [i, e.description] as const))(
    'should run example %i: %s',
    async index => {
      const step = yaml.parse(examples[index].example).steps[0];
      expect(step.action).toBe('publish:codecommit');
      const action = createPublishCodeCommitAction(
        testDeps({
          crawlers: {
            aws: { region: 'eu-west-1' },
            scaffolder: { codecommit: { gitUrl: git.url } },
          },
        }),
      );
      const ctx = actionContext({
        input: step.input,
        workspacePath: workspace.path,
      });

      await action.handler(ctx);

      const head = execFileSync(
        'git',
        [
          '--git-dir',
          remotes.resolve(`${step.input.repositoryName}.git`),
          'rev-parse',
          `refs/heads/${step.input.defaultBranch ?? 'main'}`,
        ],
        { encoding: 'utf8' },
      ).trim();
      expect(outputsOf(ctx).commitHash).toBe(head);
      expect(
        cc.commandCalls(CreateRepositoryCommand)[0].args[0].input.tags,
      ).toEqual({ 'crawler-platform.io/entity': step.input.entityRef });
    },
  );
});
