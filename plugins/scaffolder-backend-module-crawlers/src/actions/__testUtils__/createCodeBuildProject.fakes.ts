/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  BatchGetProjectsCommand,
  CodeBuildClient,
  CreateProjectCommand,
  InvalidInputException,
  Project,
  ResourceAlreadyExistsException,
  UpdateProjectCommand,
} from '@aws-sdk/client-codebuild';
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  ResourceNotFoundException,
  Target,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';

const READS = [
  'BatchGetProjectsCommand',
  'DescribeRuleCommand',
  'ListTagsForResourceCommand',
  'ListTargetsByRuleCommand',
];

type Rule = {
  Name: string;
  Arn: string;
  EventPattern?: string;
  State: string;
  Tags: Array<{ Key: string; Value: string }>;
  Targets: Target[];
};

/** Stateful CodeBuild and EventBridge fakes behind aws-sdk-client-mock (tests only). */
export function fakeCodeBuildAndEvents() {
  const codebuild = mockClient(CodeBuildClient);
  const events = mockClient(EventBridgeClient);
  const projects = new Map<string, Project>();
  const rules = new Map<string, Rule>();
  const failures: { putTargets?: Error } = {};
  const meta = { $metadata: {} };
  codebuild.on(BatchGetProjectsCommand).callsFake(input => ({
    projects: input.names
      .filter((n: string) => projects.has(n))
      .map((n: string) => projects.get(n)),
    projectsNotFound: input.names.filter((n: string) => !projects.has(n)),
  }));
  codebuild.on(CreateProjectCommand).callsFake(input => {
    if (projects.has(input.name)) {
      throw new ResourceAlreadyExistsException({
        ...meta,
        message: `Project already exists: ${input.name}`,
      });
    }
    if (input.serviceRole.endsWith('/untrusted')) {
      throw new InvalidInputException({
        ...meta,
        message: `CodeBuild is not authorized to perform: sts:AssumeRole on ${input.serviceRole}`,
      });
    }
    const project = {
      ...input,
      arn: `arn:aws:codebuild:eu-west-1:123456789012:project/${input.name}`,
    };
    projects.set(input.name, project);
    return { project };
  });
  codebuild.on(UpdateProjectCommand).callsFake(input => {
    const project = { ...projects.get(input.name), ...input };
    projects.set(input.name, project);
    return { project };
  });
  const ruleOf = (name: string) => {
    const r = rules.get(name);
    if (!r) {
      throw new ResourceNotFoundException({
        ...meta,
        message: `Rule ${name} does not exist on EventBus default.`,
      });
    }
    return r;
  };
  events.on(DescribeRuleCommand).callsFake(input => {
    const { Tags: _t, Targets: _g, ...rest } = ruleOf(input.Name);
    return rest;
  });
  events.on(ListTagsForResourceCommand).callsFake(input => ({
    Tags:
      [...rules.values()].find(r => r.Arn === input.ResourceARN)?.Tags ?? [],
  }));
  events
    .on(ListTargetsByRuleCommand)
    .callsFake(input => ({ Targets: ruleOf(input.Rule).Targets }));
  events.on(PutRuleCommand).callsFake(input => {
    const existing = rules.get(input.Name);
    const rule: Rule = {
      Name: input.Name,
      Arn: `arn:aws:events:eu-west-1:123456789012:rule/${input.Name}`,
      EventPattern: input.EventPattern,
      State: input.State ?? 'ENABLED',
      Tags: existing?.Tags ?? input.Tags ?? [],
      Targets: existing?.Targets ?? [],
    };
    rules.set(input.Name, rule);
    return { RuleArn: rule.Arn };
  });
  events.on(PutTargetsCommand).callsFake(input => {
    const failure = failures.putTargets;
    if (failure) {
      delete failures.putTargets;
      throw failure;
    }
    const rule = ruleOf(input.Rule);
    rule.Targets = [
      ...rule.Targets.filter(
        t => !input.Targets.some((n: Target) => n.Id === t.Id),
      ),
      ...input.Targets,
    ];
    return { FailedEntryCount: 0, FailedEntries: [] };
  });
  const writes = () =>
    [...codebuild.calls(), ...events.calls()]
      .map(c => (c.args[0] as object).constructor.name)
      .filter(name => !READS.includes(name));
  return {
    codebuild,
    events,
    projects,
    rules,
    failures,
    writes,
    restore() {
      codebuild.restore();
      events.restore();
    },
  };
}
