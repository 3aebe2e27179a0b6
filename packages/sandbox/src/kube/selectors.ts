/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { badRequest } from './errors';
import {
  KUBE_RESOURCES,
  KubeListOptions,
  KubeObject,
  KubeResource,
} from './types';

/** One requirement of a Kubernetes label selector. */
export type LabelRequirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts.map(p => p.trim()).filter(Boolean);
}

/** Parses `a=b,c!=d,e in (f,g),h notin (i),j,!k`; throws with a message naming the bad requirement. */
export function parseLabelSelector(
  selector: string | undefined,
): LabelRequirement[] {
  if (!selector) return [];
  return splitTopLevel(selector).map(part => {
    let m = /^([^\s=!(),]+)\s*(==|=|!=)\s*([^\s=!(),]*)$/.exec(part);
    if (m) {
      return m[2] === '!='
        ? { key: m[1], op: 'notin', values: [m[3]] }
        : { key: m[1], op: 'in', values: [m[3]] };
    }
    m = /^([^\s=!(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (m) {
      return {
        key: m[1],
        op: m[2] as 'in' | 'notin',
        values: m[3].split(',').map(v => v.trim()),
      };
    }
    m = /^(!?)([^\s=!(),]+)$/.exec(part);
    if (m) {
      return { key: m[2], op: m[1] ? 'notexists' : 'exists' };
    }
    throw new Error(`unable to parse requirement: ${part}`);
  });
}

export function matchesLabels(
  requirements: LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return requirements.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      default:
        return false;
    }
  });
}

export interface FieldRequirement {
  field: string;
  equal: boolean;
  value: string;
}

/** Parses `metadata.name=x,status.phase!=Running`. */
export function parseFieldSelector(
  selector: string | undefined,
): FieldRequirement[] {
  if (!selector) return [];
  return selector
    .split(',')
    .map(p => p.trim())
    .filter(Boolean)
    .map(part => {
      const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(part);
      if (!m)
        throw new Error(
          `invalid selector: '${selector}'; can't understand '${part}'`,
        );
      return { field: m[1].trim(), equal: m[2] !== '!=', value: m[3].trim() };
    });
}

/** Field selectors the API server supports, per resource (the common ones plus each resource's own). */
export const SUPPORTED_FIELDS: Record<string, string[]> = {
  pods: [
    'metadata.name',
    'metadata.namespace',
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  events: [
    'metadata.name',
    'metadata.namespace',
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  namespaces: ['metadata.name', 'status.phase'],
  nodes: ['metadata.name', 'spec.unschedulable'],
  secrets: ['metadata.name', 'metadata.namespace', 'type'],
};

function fieldValue(obj: Record<string, any>, field: string): string {
  if (field === 'source') return obj.source?.component ?? '';
  let cur: any = obj;
  for (const part of field.split('.')) {
    cur = cur?.[part];
  }
  return cur === undefined || cur === null ? '' : String(cur);
}

export function matchesFields(
  requirements: FieldRequirement[],
  obj: Record<string, any>,
): boolean {
  return requirements.every(
    r => (fieldValue(obj, r.field) === r.value) === r.equal,
  );
}

/**
 * A predicate for objects of `resource` in `namespace` (all namespaces when undefined) matching the selectors;
 * throws BadRequest for selectors the API server would reject.
 */
export function objectMatcher(
  resource: KubeResource,
  namespace: string | undefined,
  options: KubeListOptions = {},
): (obj: KubeObject) => boolean {
  let labels: LabelRequirement[];
  let fields: FieldRequirement[];
  try {
    labels = parseLabelSelector(options.labelSelector);
    fields = parseFieldSelector(options.fieldSelector);
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  const supported = SUPPORTED_FIELDS[resource] ?? [
    'metadata.name',
    'metadata.namespace',
  ];
  for (const f of fields) {
    if (!supported.includes(f.field)) {
      throw badRequest(`field label not supported: ${f.field}`);
    }
  }
  return o =>
    (!namespace ||
      !KUBE_RESOURCES[resource].namespaced ||
      o.metadata.namespace === namespace) &&
    matchesLabels(labels, o.metadata.labels) &&
    matchesFields(fields, o);
}
