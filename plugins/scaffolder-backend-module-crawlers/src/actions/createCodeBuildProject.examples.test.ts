/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import yaml from 'yaml';
import { actionContext, outputsOf, testDeps } from '../__testUtils__/context';
import { createAwsCodeBuildProjectCreateAction } from './createCodeBuildProject';
import { examples } from './createCodeBuildProject.examples';
import { fakeCodeBuildAndEvents } from './__testUtils__/createCodeBuildProject.fakes';

describe('aws:codebuild:project:create examples', () => {
  const action = createAwsCodeBuildProjectCreateAction(
    testDeps({ crawlers: { aws: { region: 'eu-west-1' } } }),
  );
  let fake: ReturnType<typeof fakeCodeBuildAndEvents>;

  beforeEach(() => {
    fake = fakeCodeBuildAndEvents();
  });

  afterEach(() => fake.restore());

  it.each(examples.map((e, i) => [i, e.description]))(
    'should run example %i: %s',
    async index => {
      const step = yaml.parse(examples[index as number].example).steps[0];
      expect(step.action).toBe(action.id);
      const ctx = actionContext({ input: step.input, workspacePath: '/tmp' });
      await action.handler(ctx as any);
      const out = outputsOf(ctx);
      expect(out.state).toBe('created');
      expect(fake.projects.has(out.projectName as string)).toBe(true);
      expect(fake.rules.get(out.ruleName as string)?.Targets).toHaveLength(1);
    },
  );
});
