/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import yaml from 'yaml';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { actionContext, outputsOf } from '../__testUtils__/context';
import { createCrawlersOwnershipCheckAction } from './crawlersOwnershipCheck';
import { examples } from './crawlersOwnershipCheck.examples';

/** A dry-runnable stand-in of a crawler action that records how it was called and finds nothing. */
function recordingAction(id: string, calls: unknown[]) {
  return {
    id,
    supportsDryRun: true,
    schema: { input: { type: 'object' } },
    handler: async (ctx: any) => {
      calls.push({ id, input: ctx.input, isDryRun: ctx.isDryRun });
      ctx.output('state', 'planned');
    },
  } as unknown as TemplateAction<any, any, any>;
}

describe('crawlers:ownership:check examples', () => {
  it.each(examples.map((e, i) => [i, e.description] as const))(
    'should run example %i: %s',
    async index => {
      const step = yaml.parse(examples[index].example).steps[0];
      expect(step.action).toBe('crawlers:ownership:check');
      const calls: unknown[] = [];
      const action = createCrawlersOwnershipCheckAction({
        actions: step.input.steps.map((s: any) =>
          recordingAction(s.action, calls),
        ),
        catalogOwner: async () => undefined,
      });
      const ctx = actionContext({ input: step.input, workspacePath: '/tmp' });
      await action.handler(ctx as any);
      expect(calls).toEqual(
        step.input.steps.map((s: any) => ({
          id: s.action,
          input: s.input,
          isDryRun: true,
        })),
      );
      expect(outputsOf(ctx).checked).toHaveLength(step.input.steps.length);
    },
  );
});
