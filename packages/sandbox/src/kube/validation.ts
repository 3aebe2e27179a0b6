/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { invalid, InvalidCause } from './errors';
import { KubeObject, KubeResource } from './types';

const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function validateName(
  resource: KubeResource,
  name: string,
  causes: InvalidCause[],
): void {
  const nameRule =
    resource === 'namespaces' ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
  if (!name) {
    causes.push({
      field: 'metadata.name',
      reason: 'FieldValueRequired',
      detail: 'Required value: name or generateName is required',
    });
  } else if (
    !nameRule.test(name) ||
    name.length > (resource === 'namespaces' ? 63 : 253)
  ) {
    causes.push({
      field: 'metadata.name',
      reason: 'FieldValueInvalid',
      detail:
        resource === 'namespaces'
          ? `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`
          : `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    });
  }
}

function validateLabels(obj: KubeObject, causes: InvalidCause[]): void {
  for (const [k, v] of Object.entries(obj.metadata?.labels ?? {})) {
    const keyName = k.includes('/') ? k.slice(k.indexOf('/') + 1) : k;
    if (!QUALIFIED_NAME.test(keyName) || keyName.length > 63) {
      causes.push({
        field: 'metadata.labels',
        reason: 'FieldValueInvalid',
        detail: `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
      });
    }
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
      causes.push({
        field: 'metadata.labels',
        reason: 'FieldValueInvalid',
        detail:
          typeof v === 'string' && v.length > 63
            ? `Invalid value: "${v}": must be no more than 63 characters`
            : `Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      });
    }
  }
}

function validatePod(obj: KubeObject, causes: InvalidCause[]): void {
  const spec = (obj.spec ?? {}) as Record<string, any>;
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push({
      field: 'spec.containers',
      reason: 'FieldValueRequired',
      detail: 'Required value',
    });
    return;
  }
  const seen = new Set<string>();
  for (const [listName, list] of [
    ['initContainers', spec.initContainers ?? []],
    ['containers', containers],
  ] as const) {
    (list as Array<Record<string, any>>).forEach((c, i) => {
      if (!c?.name) {
        causes.push({
          field: `spec.${listName}[${i}].name`,
          reason: 'FieldValueRequired',
          detail: 'Required value',
        });
      } else if (seen.has(c.name)) {
        causes.push({
          field: `spec.${listName}[${i}].name`,
          reason: 'FieldValueDuplicate',
          detail: `Duplicate value: "${c.name}"`,
        });
      } else {
        seen.add(c.name);
      }
      if (!c?.image) {
        causes.push({
          field: `spec.${listName}[${i}].image`,
          reason: 'FieldValueRequired',
          detail: 'Required value',
        });
      }
    });
  }
}

function validateRoleBinding(obj: KubeObject, causes: InvalidCause[]): void {
  const ref = (obj.roleRef ?? {}) as Record<string, any>;
  if (!ref.name)
    causes.push({
      field: 'roleRef.name',
      reason: 'FieldValueRequired',
      detail: 'Required value',
    });
  if (ref.kind !== 'Role' && ref.kind !== 'ClusterRole') {
    causes.push({
      field: 'roleRef.kind',
      reason: 'FieldValueNotSupported',
      detail: `Unsupported value: "${
        ref.kind ?? ''
      }": supported values: "Role", "ClusterRole"`,
    });
  }
}

function validateRole(obj: KubeObject, causes: InvalidCause[]): void {
  const rules = (obj.rules ?? []) as Array<Record<string, any>>;
  rules.forEach((r, i) => {
    if (!Array.isArray(r.verbs) || r.verbs.length === 0) {
      causes.push({
        field: `rules[${i}].verbs`,
        reason: 'FieldValueRequired',
        detail: 'Required value: verbs must contain at least one value',
      });
    }
  });
}

function validateSecret(obj: KubeObject, causes: InvalidCause[]): void {
  for (const [k, v] of Object.entries(
    (obj.data ?? {}) as Record<string, unknown>,
  )) {
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) {
      causes.push({
        field: `data[${k}]`,
        reason: 'FieldValueInvalid',
        detail: 'Invalid value: illegal base64 data',
      });
    }
  }
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function validateNode(obj: KubeObject, causes: InvalidCause[]): void {
  const taints = ((obj.spec as any)?.taints ?? []) as Array<
    Record<string, any>
  >;
  taints.forEach((t, i) => {
    if (!t?.key) {
      causes.push({
        field: `spec.taints[${i}].key`,
        reason: 'FieldValueRequired',
        detail: 'Required value',
      });
    }
    if (!TAINT_EFFECTS.includes(t?.effect)) {
      causes.push({
        field: `spec.taints[${i}].effect`,
        reason: t?.effect ? 'FieldValueNotSupported' : 'FieldValueRequired',
        detail: t?.effect
          ? `Unsupported value: "${t.effect}": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`
          : 'Required value',
      });
    }
  });
}

const KIND_RULES: Partial<
  Record<KubeResource, (obj: KubeObject, causes: InvalidCause[]) => void>
> = {
  nodes: validateNode,
  pods: validatePod,
  rolebindings: validateRoleBinding,
  roles: validateRole,
  secrets: validateSecret,
};

/** The API server's validation of an object about to be stored: throws 422 Invalid listing every failed field. */
export function validate(resource: KubeResource, obj: KubeObject): void {
  const name = obj.metadata?.name ?? '';
  const causes: InvalidCause[] = [];
  validateName(resource, name, causes);
  validateLabels(obj, causes);
  KIND_RULES[resource]?.(obj, causes);
  if (causes.length) {
    throw invalid(resource, name, causes);
  }
}
