/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { eventMatches, parseEventPattern, transformInput } from './pattern';

const event = {
  source: 'aws.codecommit',
  'detail-type': 'CodeCommit Repository State Change',
  resources: ['arn:aws:codecommit:eu-west-1:000000000000:alpha'],
  detail: {
    event: 'referenceUpdated',
    referenceName: 'main',
    commitId: 'abc',
  },
};

describe('EventBridge event patterns', () => {
  it('should match exact values, any element of an event array, and nested fields', () => {
    const pattern = parseEventPattern(
      JSON.stringify({
        source: ['aws.codecommit'],
        resources: ['arn:aws:codecommit:eu-west-1:000000000000:alpha'],
        detail: { event: ['referenceCreated', 'referenceUpdated'] },
      }),
    );
    expect(eventMatches(pattern, event)).toBe(true);
    expect(
      eventMatches(pattern, {
        ...event,
        detail: { event: 'referenceDeleted' },
      }),
    ).toBe(false);
  });

  it('should apply prefix, anything-but and exists matchers', () => {
    const match = (p: object) =>
      eventMatches(parseEventPattern(JSON.stringify(p)), event);
    expect(match({ detail: { referenceName: [{ prefix: 'ma' }] } })).toBe(true);
    expect(
      match({ detail: { referenceName: [{ 'anything-but': 'main' }] } }),
    ).toBe(false);
    expect(match({ detail: { oldCommitId: [{ exists: false }] } })).toBe(true);
    expect(match({ detail: { commitId: [{ exists: false }] } })).toBe(false);
  });

  it('should refuse patterns whose leaves are not arrays or use unknown matchers', () => {
    expect(() => parseEventPattern('{"source":"aws.codecommit"}')).toThrow(
      'Event pattern is not valid.',
    );
    expect(() => parseEventPattern('{"source":[{"regex":"a"}]}')).toThrow(
      'Unrecognized match type regex',
    );
    expect(() => parseEventPattern('not json')).toThrow('not valid JSON');
  });

  it('should fill an input template with strings inside quotes and JSON outside', () => {
    expect(
      transformInput(
        event,
        { commitId: '$.detail.commitId', resources: '$.resources' },
        '{"sourceVersion": <commitId>, "note": "built <commitId>", "r": <resources>}',
      ),
    ).toBe(
      '{"sourceVersion": "abc", "note": "built abc", "r": ["arn:aws:codecommit:eu-west-1:000000000000:alpha"]}',
    );
  });
});
