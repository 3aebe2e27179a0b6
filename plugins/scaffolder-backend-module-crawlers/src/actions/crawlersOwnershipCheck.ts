/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { validate as validateJsonSchema } from 'jsonschema';
import {
  parseEntityRef,
  RELATION_MEMBER_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { assertError, ConflictError, InputError } from '@backstage/errors';
import type { JsonObject, JsonValue } from '@backstage/types';
import {
  createTemplateAction,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { normalizeEntityRef } from '../lib/ownership';
import { examples } from './crawlersOwnershipCheck.examples';

/**
 * The input of `crawlers:ownership:check` (written out, so that the API report does not depend on the order in
 * which the type checker infers the schema's members).
 *
 * @public
 */
export type CrawlersOwnershipCheckInput = {
  /** The entity the template creates or updates. */
  entityRef: string;
  /** The steps to dry-run, each with the input its real step gets. */
  steps: Array<{ action: string; input: JsonObject }>;
};

/** Most steps one check runs. */
const MAX_STEPS = 20;

/**
 * `crawlers:ownership:check`: runs other actions of this module as dry runs — reads only, as in a template's dry
 * run — before a template writes anything. Each of them checks that what it would create is absent or already this
 * entity's (tag, annotation, DAG claim) exactly as its real run does; one failure fails this step, naming every
 * resource that is not the entity's, so that a run naming another entity's resources stops before its first write.
 * Steps' checkpoints are not recorded (the real steps later must still run), and their outputs are dropped.
 *
 * First, the entity itself: when the catalog already has it, only its owners may run the template for it. Resources
 * carry the entity's ref, so without this a crawler creator who picks an existing crawler's name would adopt that
 * crawler's resources.
 *
 * @public
 */
export function createCrawlersOwnershipCheckAction(options: {
  /** The actions it may dry-run (the module's own, each with `supportsDryRun`). */
  actions: TemplateAction<any, any, any>[];
  /**
   * The `spec.owner` of an entity in the catalog, undefined when the catalog has no such entity. Read with the
   * backend's own credentials, so that an entity the user may not see still counts.
   */
  catalogOwner: (entityRef: string) => Promise<string | undefined>;
}): TemplateAction<CrawlersOwnershipCheckInput, { checked: string[] }, 'v2'> {
  const byId = new Map(
    options.actions
      .filter(a => a.supportsDryRun && a.id !== 'crawlers:ownership:check')
      .map(a => [a.id, a]),
  );
  const ids = [...byId.keys()] as [string, ...string[]];
  return createTemplateAction({
    id: 'crawlers:ownership:check',
    description:
      'Checks, before anything is written, that every resource the listed steps would create or change is absent or ' +
      'already this entity’s: runs each of those crawler actions as a dry run with the same input. A resource of ' +
      'another entity, or of none, fails this step with every such resource named, and nothing is changed.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .describe(
              'The entity the template creates or updates, e.g. component:default/news-crawler; every step’s entityRef must name it.',
            ),
        steps: z =>
          z
            .array(
              z.object({
                action: z
                  .enum(ids)
                  .describe('A crawler action that supports dry runs.'),
                input: z
                  .record(z.string(), z.unknown())
                  .describe(
                    'The input the real step will get (share it with a YAML anchor).',
                  ),
              }),
            )
            .min(1)
            .max(MAX_STEPS)
            .describe(
              `The steps to check, in order (1–${MAX_STEPS}), each with the same input as its real step later in the template.`,
            ),
      },
      output: {
        checked: z =>
          z
            .array(z.string())
            .describe(
              'One line per step: the action and what its dry run found (e.g. "aws:ecr:repository:create: planned").',
            ),
      },
    },
    async handler(ctx) {
      const entityRef = normalizeEntityRef(ctx.input.entityRef);
      await checkCatalogOwner(entityRef, ctx.user, options.catalogOwner);
      const checked: string[] = [];
      const refusals: Error[] = [];
      for (const [index, step] of ctx.input.steps.entries()) {
        const action = byId.get(step.action)!;
        const input = step.input as JsonObject;
        const where = `steps[${index}] (${step.action})`;
        const validation = validateJsonSchema(
          input,
          action.schema?.input ?? {},
        );
        if (!validation.valid) {
          throw new InputError(
            `${where}: ${validation.errors.map(e => e.stack).join('; ')}`,
          );
        }
        if (
          typeof input.entityRef !== 'string' ||
          normalizeEntityRef(input.entityRef) !== entityRef
        ) {
          throw new InputError(
            `${where}: entityRef must be ${entityRef}, as this check's, got ${String(
              input.entityRef,
            )}`,
          );
        }
        const outputs: Record<string, JsonValue> = {};
        ctx.logger.info(
          `Checking ${step.action} (dry run, nothing is written)`,
        );
        try {
          await action.handler({
            ...ctx,
            input,
            isDryRun: true,
            output: (name: string, value: JsonValue) => {
              outputs[name] = value;
            },
            // Not recorded: the real step later must run its side effects.
            checkpoint: async ({ fn }: { fn: () => any }) => fn(),
          } as any);
          const found = outputs.state ?? outputs.status ?? 'ok';
          checked.push(`${step.action}: ${String(found)}`);
        } catch (e) {
          assertError(e);
          if (e.name === 'InputError') {
            throw new InputError(`${where}: ${e.message}`);
          }
          ctx.logger.warn(`${step.action} would fail: ${e.message}`);
          refusals.push(e);
        }
      }
      if (refusals.length === 1) {
        throw refusals[0];
      }
      if (refusals.length > 1) {
        const message = `${
          refusals.length
        } steps would not adopt what they found; nothing was changed:\n${refusals
          .map(e => `- ${e.message}`)
          .join('\n')}`;
        throw refusals.every(e => e.name === 'ConflictError')
          ? new ConflictError(message)
          : new Error(message);
      }
      ctx.logger.info(
        `Every checked resource is absent or already ${entityRef}'s`,
      );
      ctx.output('checked', checked);
    },
  });
}

/**
 * Fails when the catalog has the entity and the user running the template is not its owner (the user, or a group the
 * user is a member of, is its `spec.owner`).
 */
async function checkCatalogOwner(
  entityRef: string,
  user:
    | {
        ref?: string;
        entity?: { relations?: Array<{ type: string; targetRef: string }> };
      }
    | undefined,
  catalogOwner: (entityRef: string) => Promise<string | undefined>,
): Promise<void> {
  const owner = await catalogOwner(entityRef);
  if (owner === undefined) {
    return;
  }
  const ownerRef = stringifyEntityRef(
    parseEntityRef(owner, {
      defaultKind: 'group',
      defaultNamespace: parseEntityRef(entityRef).namespace,
    }),
  ).toLocaleLowerCase('en-US');
  const mine = [
    user?.ref,
    ...(user?.entity?.relations ?? [])
      .filter(r => r.type === RELATION_MEMBER_OF)
      .map(r => r.targetRef),
  ].flatMap(ref => (ref ? [ref.toLocaleLowerCase('en-US')] : []));
  if (!mine.includes(ownerRef)) {
    throw new ConflictError(
      `${entityRef} is already in the catalog, owned by ${ownerRef}; only its owners may run this template for it ` +
        `(the run is ${
          user?.ref ?? 'not by a signed-in user'
        }). Choose another name; nothing was changed.`,
    );
  }
}
