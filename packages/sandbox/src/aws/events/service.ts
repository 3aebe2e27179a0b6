/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import type { StateStore } from '../../state/StateStore';
import { SandboxLogger, silentLogger } from '../../util/logger';
import { AwsServiceError } from '../errors';
import type { AwsAccount } from '../state';
import {
  eventMatches,
  parseEventPattern,
  readJsonPath,
  transformInput,
} from './pattern';

/** A rule target as PutTargets stores it. */
export interface EventTargetRecord {
  Id: string;
  Arn: string;
  RoleArn?: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: {
    InputPathsMap?: Record<string, string>;
    InputTemplate: string;
  };
}

/** What happened when a rule matched an event (the last few per rule; FailedInvocations in real AWS). */
export interface EventInvocationRecord {
  at: string;
  targetId: string;
  outcome: 'SUCCEEDED' | 'FAILED';
  detail: string;
}

/** A rule on the default event bus. */
export interface EventRuleRecord {
  Name: string;
  Arn: string;
  EventPattern?: string;
  ScheduleExpression?: string;
  State: 'ENABLED' | 'DISABLED';
  Description?: string;
  RoleArn?: string;
  EventBusName: 'default';
  CreatedBy: string;
  Targets: EventTargetRecord[];
  Tags: Array<{ Key: string; Value: string }>;
  invocations?: EventInvocationRecord[];
}

/** EventBridge's slice of `aws.json`. */
export interface EventsState {
  events?: { rules: Record<string, EventRuleRecord> };
}

/** An event on the bus (the envelope every AWS service event has). */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/**
 * Invokes one target with the payload the target's input settings made; throws (with the reason) when the
 * invocation fails. Undefined for targets of a kind the sandbox does not model.
 */
export type TargetInvoker = (
  target: EventTargetRecord,
  payload: unknown,
  rule: EventRuleRecord,
) => string;

const NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const MAX_TARGETS = 5;
const KEEP_INVOCATIONS = 20;

const validation = (message: string) =>
  new AwsServiceError('ValidationException', message);

/** Services whose targets need a RoleArn (EventBridge cannot invoke them with a resource policy). */
const ROLE_REQUIRED =
  /^arn:aws:(codebuild|ecs|kinesis|states|codepipeline|batch):/;

/**
 * The EventBridge stand-in: rules with event patterns and targets on the default bus (PutRule, DescribeRule,
 * PutTargets, ListTargetsByRule, tags), and delivery of events to matching rules' targets.
 */
export class EventBridgeService {
  private logger: SandboxLogger = silentLogger;
  private readonly invokers: Array<{
    prefix: string;
    invoke: TargetInvoker;
  }> = [];

  constructor(
    private readonly store: StateStore<EventsState>,
    private readonly account: AwsAccount,
  ) {}

  /** Where failed invocations are reported. */
  setLogger(logger: SandboxLogger): void {
    this.logger = logger;
  }

  /** Registers how targets whose ARN starts with `prefix` are invoked. */
  addInvoker(prefix: string, invoke: TargetInvoker): void {
    this.invokers.push({ prefix, invoke });
  }

  private get rules(): Record<string, EventRuleRecord> {
    this.store.state.events ??= { rules: {} };
    return this.store.state.events.rules;
  }

  ruleArn(name: string): string {
    return `arn:aws:events:${this.account.region}:${this.account.accountId}:rule/${name}`;
  }

  rule(name: string): EventRuleRecord | undefined {
    return Object.hasOwn(this.rules, name) ? this.rules[name] : undefined;
  }

  /** PutRule: creates or updates a rule (tags only on creation, as EventBridge does). */
  putRule(input: Record<string, any>): string {
    const name = this.checkName(input.Name, 'name');
    this.checkBus(input.EventBusName);
    if (!input.EventPattern && !input.ScheduleExpression) {
      throw validation(
        'Parameter(s) EventPattern or ScheduleExpression must be specified.',
      );
    }
    if (input.EventPattern) parseEventPattern(input.EventPattern);
    const state = input.State ?? 'ENABLED';
    if (state !== 'ENABLED' && state !== 'DISABLED') {
      throw validation(
        `1 validation error detected: Value '${state}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]`,
      );
    }
    const existing = this.rule(name);
    this.rules[name] = {
      Name: name,
      Arn: this.ruleArn(name),
      EventPattern: input.EventPattern,
      ScheduleExpression: input.ScheduleExpression,
      State: state,
      Description: input.Description,
      RoleArn: input.RoleArn,
      EventBusName: 'default',
      CreatedBy: this.account.accountId,
      Targets: existing?.Targets ?? [],
      Tags: existing?.Tags ?? checkTags(input.Tags),
      invocations: existing?.invocations,
    };
    this.store.changed();
    return this.ruleArn(name);
  }

  /** DescribeRule. */
  describeRule(name: unknown, bus?: unknown) {
    this.checkBus(bus);
    const {
      Targets: _t,
      Tags: _g,
      invocations: _i,
      ...rule
    } = this.requireRule(name);
    return rule;
  }

  /** PutTargets: adds or replaces targets by Id (≤ 5 per rule). */
  putTargets(ruleName: unknown, targets: unknown, bus?: unknown) {
    this.checkBus(bus);
    const rule = this.requireRule(ruleName);
    if (!Array.isArray(targets) || targets.length < 1) {
      throw validation(
        "1 validation error detected: Value '[]' at 'targets' failed to satisfy constraint: Member must have length greater than or equal to 1",
      );
    }
    const next = [...rule.Targets];
    for (const t of targets.map(checkTarget)) {
      const i = next.findIndex(x => x.Id === t.Id);
      if (i >= 0) next[i] = t;
      else next.push(t);
    }
    if (next.length > MAX_TARGETS) {
      throw new AwsServiceError(
        'LimitExceededException',
        `The requested resource exceeds the maximum number allowed.`,
      );
    }
    rule.Targets = next;
    this.store.changed();
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  /** ListTargetsByRule. */
  listTargets(ruleName: unknown, bus?: unknown): EventTargetRecord[] {
    this.checkBus(bus);
    return this.requireRule(ruleName).Targets;
  }

  /** ListTagsForResource of a rule ARN. */
  listTags(arn: unknown): Array<{ Key: string; Value: string }> {
    return this.ruleOfArn(arn).Tags;
  }

  /** TagResource of a rule ARN (adds or overwrites). */
  tagResource(arn: unknown, tags: unknown): void {
    const rule = this.ruleOfArn(arn);
    const merged = new Map(rule.Tags.map(t => [t.Key, t.Value]));
    for (const t of checkTags(tags)) merged.set(t.Key, t.Value);
    rule.Tags = [...merged].map(([Key, Value]) => ({ Key, Value }));
    this.store.changed();
  }

  /** Puts an AWS service event on the default bus: every ENABLED rule whose pattern matches invokes its targets. */
  putEvent(
    event: Omit<BusEvent, 'version' | 'id' | 'account' | 'region' | 'time'>,
  ) {
    const full: BusEvent = {
      version: '0',
      id: crypto.randomUUID(),
      account: this.account.accountId,
      region: this.account.region,
      time: this.store
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      ...event,
    };
    for (const rule of Object.values(this.rules)) {
      if (rule.State !== 'ENABLED' || !rule.EventPattern) continue;
      if (!eventMatches(parseEventPattern(rule.EventPattern), full as any)) {
        continue;
      }
      for (const target of rule.Targets) this.invoke(rule, target, full);
    }
  }

  private invoke(
    rule: EventRuleRecord,
    target: EventTargetRecord,
    event: BusEvent,
  ) {
    const invoker = this.invokers.find(i => target.Arn.startsWith(i.prefix));
    let record: EventInvocationRecord;
    try {
      if (!invoker) {
        throw new Error(`targets like ${target.Arn} are not modelled`);
      }
      const detail = invoker.invoke(target, payloadOf(target, event), rule);
      record = {
        at: event.time,
        targetId: target.Id,
        outcome: 'SUCCEEDED',
        detail,
      };
    } catch (e) {
      const detail = (e as Error).message;
      record = {
        at: event.time,
        targetId: target.Id,
        outcome: 'FAILED',
        detail,
      };
      this.logger.warn('EventBridge target invocation failed', {
        rule: rule.Name,
        target: target.Arn,
        error: detail,
      });
    }
    rule.invocations = [...(rule.invocations ?? []), record].slice(
      -KEEP_INVOCATIONS,
    );
    this.store.changed();
  }

  private requireRule(name: unknown): EventRuleRecord {
    const rule = typeof name === 'string' ? this.rule(name) : undefined;
    if (!rule) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `Rule ${String(name ?? '')} does not exist on EventBus default.`,
      );
    }
    return rule;
  }

  private ruleOfArn(arn: unknown): EventRuleRecord {
    const prefix = this.ruleArn('');
    if (typeof arn !== 'string' || !arn.startsWith(prefix)) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `Rule ${String(arn ?? '')} does not exist on EventBus default.`,
      );
    }
    return this.requireRule(arn.slice(prefix.length));
  }

  private checkName(name: unknown, field: string): string {
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw validation(
        `1 validation error detected: Value '${String(
          name ?? '',
        )}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`,
      );
    }
    return name;
  }

  private checkBus(bus: unknown): void {
    if (bus !== undefined && bus !== null && bus !== 'default') {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `Event bus ${String(bus)} does not exist.`,
      );
    }
  }
}

function checkTags(tags: unknown): Array<{ Key: string; Value: string }> {
  if (tags === undefined || tags === null) return [];
  if (!Array.isArray(tags)) throw validation('Tags must be a list.');
  return tags.map((t: any) => {
    if (typeof t?.Key !== 'string' || t.Key.length < 1 || t.Key.length > 128) {
      throw validation(
        '1 validation error detected: Tag keys must be between 1 and 128 characters in length.',
      );
    }
    return { Key: t.Key, Value: String(t.Value ?? '') };
  });
}

function checkTarget(t: any): EventTargetRecord {
  if (typeof t?.Id !== 'string' || !NAME.test(t.Id)) {
    throw validation(
      `1 validation error detected: Value '${String(
        t?.Id ?? '',
      )}' at 'targets.1.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`,
    );
  }
  if (typeof t.Arn !== 'string' || !t.Arn.startsWith('arn:')) {
    throw validation(`Parameter ${String(t.Arn ?? '')} is not valid.`);
  }
  const inputs = [t.Input, t.InputPath, t.InputTransformer].filter(
    x => x !== undefined && x !== null,
  );
  if (inputs.length > 1) {
    throw validation(
      'Only one of Input, InputPath, or InputTransformer must be provided.',
    );
  }
  if (t.Input !== undefined) {
    try {
      JSON.parse(t.Input);
    } catch {
      throw validation(`Input for target ${t.Id} is not valid JSON.`);
    }
  }
  if (
    t.InputTransformer &&
    typeof t.InputTransformer.InputTemplate !== 'string'
  ) {
    throw validation(`InputTemplate for target ${t.Id} is required.`);
  }
  if (ROLE_REQUIRED.test(t.Arn) && !t.RoleArn) {
    throw validation(`RoleArn is required for target ${t.Arn}.`);
  }
  return {
    Id: t.Id,
    Arn: t.Arn,
    RoleArn: t.RoleArn,
    Input: t.Input,
    InputPath: t.InputPath,
    InputTransformer: t.InputTransformer,
  };
}

/** The payload a target receives: Input, the InputPath's part, the transformer's output, or the whole event. */
function payloadOf(target: EventTargetRecord, event: BusEvent): unknown {
  if (target.Input !== undefined) return JSON.parse(target.Input);
  if (target.InputPath) return readJsonPath(event, target.InputPath);
  if (target.InputTransformer) {
    const text = transformInput(
      event,
      target.InputTransformer.InputPathsMap ?? {},
      target.InputTransformer.InputTemplate,
    );
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return event;
}
