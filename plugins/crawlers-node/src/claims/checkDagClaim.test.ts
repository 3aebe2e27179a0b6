/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { CrawlersDag } from '@crawler-platform/plugin-crawlers-common';
import { checkDagClaim } from './checkDagClaim';

function dag(tags: string[]): CrawlersDag {
  return {
    dagId: 'news_crawler',
    displayName: 'news_crawler',
    description: null,
    isPaused: false,
    isActive: true,
    schedule: '@daily',
    nextRunLogicalDate: null,
    nextRunAfter: null,
    owners: [],
    tags,
    fileloc: '/opt/airflow/dags/repo/dags/news_crawler.py',
    relativeFileloc: null,
    bundleName: null,
    hasImportErrors: false,
  };
}

const NEWS = 'component:default/news-crawler';
const IMPOSTOR = 'component:default/impostor-crawler';

describe('checkDagClaim', () => {
  it('should hold when the DAG carries the entity claim tag', () => {
    expect(
      checkDagClaim({
        dag: dag(['crawler', `backstage:${NEWS}`]),
        entityRef: NEWS,
        mode: 'tag',
      }),
    ).toEqual({ holds: true, tag: `backstage:${NEWS}`, mode: 'tag' });
  });

  it('should compare tags case-insensitively', () => {
    expect(
      checkDagClaim({
        dag: dag(['Backstage:Component:default/News-Crawler']),
        entityRef: NEWS,
        mode: 'tag',
      }).holds,
    ).toBe(true);
  });

  it('should refuse a DAG that names another entity, saying which tag to add and where', () => {
    const claim = checkDagClaim({
      dag: dag(['crawler', `backstage:${NEWS}`]),
      entityRef: IMPOSTOR,
      mode: 'tag',
    });
    expect(claim.holds).toBe(false);
    expect(claim.reason).toContain(`add the tag "backstage:${IMPOSTOR}"`);
    expect(claim.reason).toContain(
      '/opt/airflow/dags/repo/dags/news_crawler.py',
    );
    expect(claim.reason).toContain(`It carries "backstage:${NEWS}"`);
  });

  it('should refuse a DAG without any claim tag', () => {
    const claim = checkDagClaim({
      dag: dag(['crawler']),
      entityRef: NEWS,
      mode: 'tag',
    });
    expect(claim.holds).toBe(false);
    expect(claim.reason).not.toContain('It carries');
  });

  it('should not accept a tag that only starts with the claim tag', () => {
    expect(
      checkDagClaim({
        dag: dag([`backstage:${NEWS}-evil`]),
        entityRef: NEWS,
        mode: 'tag',
      }).holds,
    ).toBe(false);
  });

  it('should trust the annotation alone in annotation mode', () => {
    expect(
      checkDagClaim({ dag: dag([]), entityRef: IMPOSTOR, mode: 'annotation' }),
    ).toMatchObject({ holds: true, mode: 'annotation' });
  });
});
