/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import yaml from 'yaml';
import { actionContext, outputsOf, testDeps } from '../__testUtils__/context';
import { createAwsEksFargateProfileCreateAction } from './createFargateProfile';
import { examples } from './createFargateProfile.examples';
import { fakeEksAndEc2 } from './__testUtils__/createFargateProfile.fakes';

describe('aws:eks:fargate-profile:create examples', () => {
  const action = createAwsEksFargateProfileCreateAction({
    ...testDeps({ crawlers: { aws: { region: 'eu-west-1' } } }),
    wait: { sleep: async () => undefined },
  });
  let fake: ReturnType<typeof fakeEksAndEc2>;

  beforeEach(() => {
    fake = fakeEksAndEc2();
  });

  afterEach(() => fake.restore());

  it.each(examples.map((e, i) => [i, e.description]))(
    'should run example %i: %s',
    async index => {
      const step = yaml.parse(examples[index as number].example).steps[0];
      expect(step.action).toBe(action.id);
      const ctx = actionContext({ input: step.input, workspacePath: '/tmp' });
      await action.handler(ctx as any);
      expect(outputsOf(ctx)).toMatchObject({
        status: 'ACTIVE',
        state: 'created',
      });
    },
  );
});
