/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AwsServiceModule } from '../protocol/types';
import { EventBridgeService } from './service';

/**
 * EventBridge over awsJson1_1 (`AWSEvents.*`): PutRule, DescribeRule, PutTargets, ListTargetsByRule,
 * ListTagsForResource, TagResource (default event bus only).
 */
export function eventsModule(events: EventBridgeService): AwsServiceModule {
  return {
    service: 'events',
    protocol: 'awsJson1_1',
    targetPrefix: 'AWSEvents',
    operations: {
      PutRule: ({ input }) => ({ RuleArn: events.putRule(input) }),
      DescribeRule: ({ input }) =>
        events.describeRule(input.Name, input.EventBusName),
      PutTargets: ({ input }) =>
        events.putTargets(input.Rule, input.Targets, input.EventBusName),
      ListTargetsByRule: ({ input }) => ({
        Targets: events.listTargets(input.Rule, input.EventBusName),
      }),
      ListTagsForResource: ({ input }) => ({
        Tags: events.listTags(input.ResourceARN),
      }),
      TagResource: ({ input }) => {
        events.tagResource(input.ResourceARN, input.Tags);
        return {};
      },
    },
  };
}
