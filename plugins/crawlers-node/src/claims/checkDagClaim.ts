/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  CRAWLERS_CLAIM_TAG_PREFIX,
  CrawlersDag,
  CrawlersDagClaim,
} from '@crawler-platform/plugin-crawlers-common';
import { dagClaimTag } from './claimTag';

/**
 * Decides whether an entity's claim on a DAG holds.
 *
 * @remarks
 * With `mode: 'tag'` (the default of every instance) the DAG must carry the entity's claim tag
 * ({@link dagClaimTag}); tags are compared case-insensitively. With `mode: 'annotation'` the entity's annotation alone
 * is trusted: only for DAG repositories whose writers are all trusted.
 *
 * @public
 */
export function checkDagClaim(options: {
  dag: CrawlersDag;
  entityRef: string;
  mode: 'tag' | 'annotation';
}): CrawlersDagClaim {
  const { dag, entityRef, mode } = options;
  const tag = dagClaimTag(entityRef);
  if (mode === 'annotation') {
    return { holds: true, tag, mode };
  }
  const tags = dag.tags.map(t => t.toLocaleLowerCase('en-US'));
  if (tags.includes(tag)) {
    return { holds: true, tag, mode };
  }
  const others = dag.tags.filter(t =>
    t.toLocaleLowerCase('en-US').startsWith(CRAWLERS_CLAIM_TAG_PREFIX),
  );
  const where = dag.fileloc ? ` in ${dag.fileloc}` : '';
  const claimedBy = others.length
    ? ` It carries ${others.map(t => `"${t}"`).join(', ')}.`
    : '';
  return {
    holds: false,
    tag,
    mode,
    reason: `DAG "${dag.dagId}" does not confirm that it belongs to ${entityRef}: add the tag "${tag}" to the tags of its DAG(...)${where}, e.g. tags=["crawler", "${tag}"].${claimedBy}`,
  };
}
