/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE,
  ANNOTATION_CRAWLERS_DAG_FILES,
  ANNOTATION_CRAWLERS_DAG_IDS,
  ANNOTATION_KUBERNETES_NAMESPACE,
  isCrawlersAvailable,
  parseCrawlersAnnotations,
  parseCrawlersDagFiles,
  parseCrawlersDagIds,
} from './annotations';

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'shop', annotations },
    spec: { type: 'crawler' },
  };
}

describe('crawler annotations', () => {
  it('should use the crawler-platform.io annotation names', () => {
    expect(ANNOTATION_CRAWLERS_DAG_IDS).toBe('crawler-platform.io/dag-ids');
    expect(ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE).toBe(
      'crawler-platform.io/airflow-instance',
    );
  });

  it('should report an entity with DAG ids as available', () => {
    expect(
      isCrawlersAvailable(entity({ [ANNOTATION_CRAWLERS_DAG_IDS]: 'a' })),
    ).toBe(true);
  });

  it('should report only Components of spec.type crawler as crawlers (one rule for frontend and backend)', () => {
    const annotated = entity({ [ANNOTATION_CRAWLERS_DAG_IDS]: 'a' });
    expect(
      isCrawlersAvailable({ ...annotated, spec: { type: 'service' } }),
    ).toBe(false);
    expect(isCrawlersAvailable({ ...annotated, kind: 'Resource' })).toBe(false);
    expect(isCrawlersAvailable({ ...annotated, kind: 'component' })).toBe(true);
  });

  it('should read DAG file paths relative to the DAG repository and refuse path tricks', () => {
    expect(parseCrawlersDagFiles(' ./dags/a.py, dags/a.py ,dags/b.py')).toEqual(
      ['dags/a.py', 'dags/b.py'],
    );
    expect(() => parseCrawlersDagFiles('../etc/passwd.py')).toThrow(
      /invalid DAG file path/,
    );
    expect(() => parseCrawlersDagFiles('/abs/a.py')).toThrow(
      /invalid DAG file path/,
    );
    expect(() => parseCrawlersDagFiles('dags/a.txt')).toThrow(
      /invalid DAG file path/,
    );
    expect(
      parseCrawlersAnnotations(
        entity({
          [ANNOTATION_CRAWLERS_DAG_IDS]: 'a',
          [ANNOTATION_CRAWLERS_DAG_FILES]: 'dags/a.py',
        }),
      ).dagFiles,
    ).toEqual(['dags/a.py']);
  });

  it('should report an entity with a blank annotation as unavailable', () => {
    expect(
      isCrawlersAvailable(entity({ [ANNOTATION_CRAWLERS_DAG_IDS]: ' , ' })),
    ).toBe(false);
    expect(isCrawlersAvailable(entity({}))).toBe(false);
  });

  it('should split, trim and de-duplicate DAG ids', () => {
    expect(parseCrawlersDagIds(' a.b , c-d,, a.b ')).toEqual(['a.b', 'c-d']);
  });

  it('should reject DAG ids with path characters', () => {
    expect(() => parseCrawlersDagIds('ok,../etc')).toThrow(/invalid DAG id/);
    expect(() => parseCrawlersDagIds('..')).toThrow(/invalid DAG id/);
    expect(() => parseCrawlersDagIds('a%2Fb')).toThrow(/invalid DAG id/);
  });

  it('should read the instance name when present', () => {
    expect(
      parseCrawlersAnnotations(
        entity({
          [ANNOTATION_CRAWLERS_DAG_IDS]: 'a',
          [ANNOTATION_CRAWLERS_AIRFLOW_INSTANCE]: ' airflow3 ',
        }),
      ),
    ).toEqual({ dagIds: ['a'], dagFiles: [], airflowInstance: 'airflow3' });
  });

  it("should read the entity's Kubernetes namespace, trimmed, and leave it out when absent", () => {
    expect(
      parseCrawlersAnnotations(
        entity({
          [ANNOTATION_CRAWLERS_DAG_IDS]: 'a',
          [ANNOTATION_KUBERNETES_NAMESPACE]: ' shop ',
        }),
      ).kubernetesNamespace,
    ).toBe('shop');
    expect(
      parseCrawlersAnnotations(entity({ [ANNOTATION_CRAWLERS_DAG_IDS]: 'a' })),
    ).not.toHaveProperty('kubernetesNamespace');
  });

  it('should throw an InputError that names the annotation when DAG ids are missing', () => {
    expect(() => parseCrawlersAnnotations(entity({}))).toThrow(
      expect.objectContaining({
        name: 'InputError',
        message: expect.stringContaining(ANNOTATION_CRAWLERS_DAG_IDS),
      }),
    );
  });
});
