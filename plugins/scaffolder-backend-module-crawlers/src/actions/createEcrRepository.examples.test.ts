/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  PutLifecyclePolicyCommand,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import yaml from 'yaml';
import { actionContext, outputsOf, testDeps } from '../__testUtils__/context';
import { createAwsEcrRepositoryCreateAction } from './createEcrRepository';
import { examples } from './createEcrRepository.examples';

describe('aws:ecr:repository:create examples', () => {
  const ecr = mockClient(ECRClient);
  const action = createAwsEcrRepositoryCreateAction(
    testDeps({ crawlers: { aws: { region: 'eu-west-1' } } }),
  );

  beforeEach(() => {
    ecr.reset();
    ecr
      .on(DescribeRepositoriesCommand)
      .rejects(
        new RepositoryNotFoundException({ $metadata: {}, message: 'none' }),
      );
    ecr.on(CreateRepositoryCommand).callsFake(input => ({
      repository: {
        repositoryName: input.repositoryName,
        repositoryArn: `arn:aws:ecr:eu-west-1:123456789012:repository/${input.repositoryName}`,
        repositoryUri: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${input.repositoryName}`,
      },
    }));
    ecr.on(PutLifecyclePolicyCommand).resolves({});
  });

  afterAll(() => ecr.restore());

  it.each(examples.map((e, i) => [i, e.description]))(
    'should run example %i: %s',
    async index => {
      const step = yaml.parse(examples[index as number].example).steps[0];
      expect(step.action).toBe(action.id);
      const ctx = actionContext({ input: step.input, workspacePath: '/tmp' });
      await action.handler(ctx as any);
      expect(outputsOf(ctx)).toMatchObject({
        repositoryName: step.input.repositoryName,
        state: 'created',
      });
      expect(ecr.commandCalls(PutLifecyclePolicyCommand)).toHaveLength(
        step.input.lifecyclePolicy ? 1 : 0,
      );
    },
  );
});
