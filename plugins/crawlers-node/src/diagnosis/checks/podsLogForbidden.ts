/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type {
  CrawlersFindingEvidence,
  CrawlersFindingSeverity,
} from '@crawler-platform/plugin-crawlers-common';
import {
  evidence,
  found,
  logLines,
  ok,
  taskLogObject,
  unknown,
} from '../common';
import {
  parseRbacRefusal,
  parseServiceAccountUser,
  RbacRefusal,
} from '../text';
import type {
  DiagnosisCheck,
  DiagnosisInput,
  DiagnosisRbac,
  DiagnosisRbacRule,
  DiagnosisTaskLog,
} from '../types';

/**
 * A permission the KubernetesPodOperator needs in the namespace of its pods (§4, §8).
 *
 * @public
 */
export interface OperatorPermission {
  verb: string;
  resource: string;
  /** What fails without it. */
  why: string;
  /** Whether its absence fails every run (else only some: a provider version, a failed pod, an option). */
  always: boolean;
}

/**
 * What the operator does in the crawler's namespace, as Airflow's worker service account.
 *
 * @public
 */
export const OPERATOR_PERMISSIONS: OperatorPermission[] = [
  {
    verb: 'create',
    resource: 'pods',
    why: 'the task pod cannot be created',
    always: true,
  },
  {
    verb: 'get',
    resource: 'pods',
    why: 'the pod cannot be read',
    always: true,
  },
  {
    verb: 'list',
    resource: 'pods',
    why: 'find_pod cannot look for the task pod',
    always: true,
  },
  {
    verb: 'get',
    resource: 'pods/log',
    why: 'get_logs=True (the default) fails with 403 as soon as the pod runs, and the task fails',
    always: true,
  },
  {
    verb: 'list',
    resource: 'events',
    why: 'provider 10.6+ logs pod events during start-up and fails with 403 without it',
    always: false,
  },
  {
    verb: 'patch',
    resource: 'pods',
    why: 'the cleanup cannot mark a failed pod already_checked=True',
    always: false,
  },
  {
    verb: 'delete',
    resource: 'pods',
    why: 'on_finish_action="delete_pod" cannot delete the pod, which is left behind',
    always: false,
  },
];

const has = (values: string[], value: string) =>
  values.includes('*') || values.includes(value);

function resourceMatches(resources: string[], resource: string): boolean {
  if (has(resources, resource)) {
    return true;
  }
  const [main, sub] = resource.split('/');
  return (
    sub !== undefined &&
    (resources.includes(`${main}/*`) || resources.includes(`*/${sub}`))
  );
}

/** Whether a rule allows `verb` on `resource` of the core API group (rules limited by resourceNames do not count). */
export function ruleAllows(
  rule: DiagnosisRbacRule,
  verb: string,
  resource: string,
): boolean {
  return (
    has(rule.apiGroups, '') &&
    resourceMatches(rule.resources, resource) &&
    has(rule.verbs, verb) &&
    !(rule.resourceNames && rule.resourceNames.length)
  );
}

/** The bindings of the namespace that name the service account (directly, or through its groups). */
export function bindingsOf(
  rbac: DiagnosisRbac,
  account: { namespace: string; name: string },
) {
  return rbac.bindings.filter(b =>
    b.subjects.some(
      s =>
        (s.kind === 'ServiceAccount' &&
          s.name === account.name &&
          (s.namespace ?? rbac.namespace) === account.namespace) ||
        (s.kind === 'User' &&
          s.name ===
            `system:serviceaccount:${account.namespace}:${account.name}`) ||
        (s.kind === 'Group' &&
          (s.name === 'system:serviceaccounts' ||
            s.name === `system:serviceaccounts:${account.namespace}`)),
    ),
  );
}

/** Which operator permissions the service account lacks in the namespace, and whether that is certain. */
export function missingPermissions(
  rbac: DiagnosisRbac,
  account: { namespace: string; name: string },
): { missing: OperatorPermission[]; uncertain: boolean; roles: string[] } {
  const bindings = bindingsOf(rbac, account);
  const roles = bindings.map(b => `${b.roleRef.kind} ${b.roleRef.name}`);
  const rules = bindings.flatMap(
    b =>
      rbac.roles.find(
        r => r.kind === b.roleRef.kind && r.name === b.roleRef.name,
      )?.rules ?? [],
  );
  const uncertain = bindings.some(
    b =>
      b.roleRef.kind === 'ClusterRole' &&
      rbac.unreadableClusterRoles.includes(b.roleRef.name),
  );
  return {
    missing: OPERATOR_PERMISSIONS.filter(
      p => !rules.some(r => ruleAllows(r, p.verb, p.resource)),
    ),
    uncertain,
    roles,
  };
}

/** Airflow's worker service account: from a task log's refusal, the pod template, or the worker pods. */
export function workerServiceAccount(
  input: DiagnosisInput,
  refusals: RbacRefusal[],
): { namespace: string; name: string; source: string } | null {
  for (const r of refusals) {
    const account = parseServiceAccountUser(r.user);
    if (account) {
      return { ...account, source: 'the task log' };
    }
  }
  const namespace = input.airflow.namespace;
  if (!namespace) {
    return null;
  }
  const spec = (input.podTemplate?.pod as any)?.spec;
  if (typeof spec?.serviceAccountName === 'string') {
    return {
      namespace,
      name: spec.serviceAccountName,
      source: `${input.podTemplate!.object} spec.serviceAccountName`,
    };
  }
  const worker = (input.pods ?? []).find(
    p => p.kind === 'worker' && p.serviceAccountName,
  );
  if (worker) {
    return {
      namespace,
      name: worker.serviceAccountName!,
      source: `worker pod ${worker.name}`,
    };
  }
  return null;
}

function flow(values: string[]) {
  return `[${values.map(v => (v === '' ? '""' : v)).join(', ')}]`;
}

/** The Role (with the missing rules added) and, when nothing binds it yet, its RoleBinding, as YAML. */
export function roleFixYaml(
  rbac: DiagnosisRbac | null,
  namespace: string,
  account: { namespace: string; name: string },
  missing: OperatorPermission[],
): string {
  const bound = rbac
    ? bindingsOf(rbac, account).find(b => b.roleRef.kind === 'Role')
    : undefined;
  const role = bound
    ? rbac!.roles.find(r => r.kind === 'Role' && r.name === bound.roleRef.name)
    : undefined;
  const name = role?.name ?? 'airflow-pod-runner';
  const rules: DiagnosisRbacRule[] = (role?.rules ?? []).map(r => ({
    ...r,
    verbs: [...r.verbs],
  }));
  for (const p of missing) {
    const same = rules.find(
      r =>
        r.apiGroups.length === 1 &&
        r.apiGroups[0] === '' &&
        r.resources.length === 1 &&
        r.resources[0] === p.resource &&
        !r.resourceNames?.length,
    );
    if (same) {
      if (!has(same.verbs, p.verb)) same.verbs.push(p.verb);
    } else {
      rules.push({ apiGroups: [''], resources: [p.resource], verbs: [p.verb] });
    }
  }
  const lines = [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: Role',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'rules:',
    ...rules.flatMap(r => [
      `  - apiGroups: ${flow(r.apiGroups)}`,
      `    resources: ${flow(r.resources)}`,
      `    verbs: ${flow(r.verbs)}`,
      ...(r.resourceNames?.length
        ? [`    resourceNames: ${flow(r.resourceNames)}`]
        : []),
    ]),
  ];
  if (!bound) {
    lines.push(
      '---',
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: RoleBinding',
      'metadata:',
      `  name: ${name}`,
      `  namespace: ${namespace}`,
      'roleRef:',
      '  apiGroup: rbac.authorization.k8s.io',
      '  kind: Role',
      `  name: ${name}`,
      'subjects:',
      '  - kind: ServiceAccount',
      `    name: ${account.name}`,
      `    namespace: ${account.namespace}`,
    );
  }
  return lines.join('\n');
}

/**
 * `pods-log-forbidden` (§8, §9 row 2): Airflow's worker service account lacks a permission the KubernetesPodOperator
 * needs in the crawler's namespace — above all `get pods/log`. Evidence: the Roles and RoleBindings of the namespace
 * (what will fail) and the task log's `ApiException: (403)` with the API server's body (what failed), escaped or not.
 * A refusal in the log of an earlier try counts only while the Roles read now do not grant it.
 */
export const checkPodsLogForbidden: DiagnosisCheck = input => {
  const id = 'pods-log-forbidden';
  const refusals: Array<{ refusal: RbacRefusal; log: DiagnosisTaskLog }> = [];
  for (const log of input.taskLogs ?? []) {
    for (const line of logLines(log.lines)) {
      const refusal = parseRbacRefusal(line);
      if (
        refusal &&
        !refusals.some(
          r =>
            r.refusal.verb === refusal.verb &&
            r.refusal.resource === refusal.resource &&
            r.refusal.namespace === refusal.namespace,
        )
      ) {
        refusals.push({ refusal, log });
      }
    }
  }
  const account = workerServiceAccount(
    input,
    refusals.map(r => r.refusal),
  );
  const namespace = input.crawlerNamespace;
  if (!input.rbac && !refusals.length) {
    return unknown(
      id,
      input.unavailable.rbac ??
        "the Roles of the crawler's namespace could not be read",
    );
  }
  if (!account) {
    return refusals.length
      ? unknown(id, "Airflow's worker service account is not known")
      : unknown(
          id,
          "Airflow's worker service account is not known (no pod template, worker pod or task log names it)",
        );
  }
  const rbac = input.rbac;
  const fromRoles = rbac
    ? missingPermissions(rbac, account)
    : { missing: [], uncertain: true, roles: [] };
  const evidenceList: CrawlersFindingEvidence[] = [];
  const confirmed = new Set<string>();
  for (const { refusal, log } of refusals) {
    const key = `${refusal.verb} ${refusal.resource}`;
    const stillMissing =
      !rbac ||
      refusal.namespace !== rbac.namespace ||
      fromRoles.missing.some(p => `${p.verb} ${p.resource}` === key);
    if (!stillMissing) {
      continue;
    }
    confirmed.add(key);
    evidenceList.push(
      evidence(
        taskLogObject(log),
        'task log: ApiException (403) Forbidden',
        refusal.text,
      ),
    );
  }
  const missing = rbac
    ? fromRoles.missing
    : refusals
        .filter(r => confirmed.has(`${r.refusal.verb} ${r.refusal.resource}`))
        .map(
          r =>
            OPERATOR_PERMISSIONS.find(
              p =>
                p.verb === r.refusal.verb && p.resource === r.refusal.resource,
            ) ?? {
              verb: r.refusal.verb,
              resource: r.refusal.resource,
              why: 'the operator is refused',
              always: true,
            },
        );
  if (!missing.length) {
    return ok(id);
  }
  if (rbac && !confirmed.size && fromRoles.uncertain) {
    return unknown(
      id,
      `the ClusterRoles bound to ${
        account.name
      } could not be read: ${rbac.unreadableClusterRoles.join(', ')}`,
    );
  }
  const ns =
    rbac?.namespace ??
    refusals[0]?.refusal.namespace ??
    namespace ??
    '<namespace>';
  if (rbac) {
    evidenceList.push(
      evidence(
        fromRoles.roles.length
          ? `${fromRoles.roles.join(', ')} (namespace ${ns})`
          : `RoleBindings of namespace ${ns}`,
        'rules',
        fromRoles.roles.length
          ? `no rule allows ${missing
              .map(p => `${p.verb} ${p.resource}`)
              .join(', ')} for ServiceAccount ${account.namespace}/${
              account.name
            }`
          : `no RoleBinding names ServiceAccount ${account.namespace}/${account.name}`,
      ),
    );
  }
  const severity: CrawlersFindingSeverity =
    confirmed.size || missing.some(p => p.always) ? 'error' : 'warning';
  const list = missing.map(p => `${p.verb} ${p.resource}`).join(', ');
  const main = missing.find(p => p.resource === 'pods/log') ?? missing[0];
  return found(id, [
    {
      id,
      severity,
      variant: confirmed.size ? 'refused' : 'predicted',
      title: `ServiceAccount ${account.namespace}/${account.name} may not ${list} in namespace ${ns}`,
      summary: `The KubernetesPodOperator runs as Airflow's worker service account (${
        account.source
      }); without ${main.verb} ${main.resource} ${main.why}.${
        confirmed.size
          ? ' The last failed try was refused.'
          : ' Grants through ClusterRoleBindings are not read.'
      }`,
      dagIds: [...new Set(refusals.map(r => r.log.dagId))],
      evidence: evidenceList,
      fix: {
        text: `Add the missing rules (${list}) to the Role bound to ${account.name} in ${ns}, next to the pods rules the operator already has.`,
        snippet: {
          language: 'yaml',
          code: roleFixYaml(rbac, ns, account, missing),
        },
      },
    },
  ]);
};
