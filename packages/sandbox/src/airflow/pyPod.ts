/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { pyRepr } from './logFormat';

/** A Python value as the kubernetes client's `to_dict()` gives it. */
type PyVal =
  | null
  | boolean
  | number
  | string
  | PyDateTime
  | PyVal[]
  | { [key: string]: PyVal };

/** A `datetime.datetime` (tz-aware, UTC). */
class PyDateTime {
  constructor(readonly date: Date) {}

  /** `datetime.datetime(2026, 6, 1, 12, 30, tzinfo=tzutc())`: trailing zero microseconds and seconds dropped. */
  repr(): string {
    const d = this.date;
    const parts = [
      d.getUTCFullYear(),
      d.getUTCMonth() + 1,
      d.getUTCDate(),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds() * 1000,
    ];
    if (parts[6] === 0) parts.pop();
    if (parts.length === 6 && parts[5] === 0) parts.pop();
    return `datetime.datetime(${parts.join(', ')}, tzinfo=tzutc())`;
  }
}

/** How a model attribute is converted: another model, a list of one, a datetime, or a plain value. */
type AttrType = string | undefined;

/**
 * The attributes of the kubernetes Python client's models that appear in a pod (client 3x, as the provider pins
 * `kubernetes<34`), with the type of each nested one. `to_dict()` lists every attribute, None when unset.
 */
const MODELS: Record<string, Record<string, AttrType>> = {
  V1Pod: {
    api_version: undefined,
    kind: undefined,
    metadata: 'V1ObjectMeta',
    spec: 'V1PodSpec',
    status: 'V1PodStatus',
  },
  V1ObjectMeta: {
    annotations: undefined,
    creation_timestamp: 'datetime',
    deletion_grace_period_seconds: undefined,
    deletion_timestamp: 'datetime',
    finalizers: undefined,
    generate_name: undefined,
    generation: undefined,
    labels: undefined,
    managed_fields: undefined,
    name: undefined,
    namespace: undefined,
    owner_references: undefined,
    resource_version: undefined,
    self_link: undefined,
    uid: undefined,
  },
  V1PodSpec: attrs(
    'active_deadline_seconds affinity:V1Affinity automount_service_account_token containers:[V1Container dns_config dns_policy enable_service_links ephemeral_containers host_aliases host_ipc host_network host_pid host_users hostname image_pull_secrets:[V1LocalObjectReference init_containers:[V1Container node_name node_selector os overhead preemption_policy priority priority_class_name readiness_gates resource_claims resources restart_policy runtime_class_name scheduler_name scheduling_gates security_context:V1PodSecurityContext service_account service_account_name set_hostname_as_fqdn share_process_namespace subdomain termination_grace_period_seconds tolerations:[V1Toleration topology_spread_constraints volumes:[V1Volume',
  ),
  V1Container: attrs(
    'args command env:[V1EnvVar env_from image image_pull_policy lifecycle liveness_probe name ports readiness_probe resize_policy resources:V1ResourceRequirements restart_policy security_context startup_probe stdin stdin_once termination_message_path termination_message_policy tty volume_devices volume_mounts:[V1VolumeMount working_dir',
  ),
  V1EnvVar: attrs('name value value_from'),
  V1ResourceRequirements: attrs('claims limits requests'),
  V1VolumeMount: attrs(
    'mount_path mount_propagation name read_only recursive_read_only sub_path sub_path_expr',
  ),
  V1LocalObjectReference: attrs('name'),
  V1Toleration: attrs('effect key operator toleration_seconds value'),
  V1Affinity: attrs('node_affinity pod_affinity pod_anti_affinity'),
  V1PodSecurityContext: attrs(
    'app_armor_profile fs_group fs_group_change_policy run_as_group run_as_non_root run_as_user se_linux_change_policy se_linux_options seccomp_profile supplemental_groups supplemental_groups_policy sysctls windows_options',
  ),
  V1Volume: attrs(
    'aws_elastic_block_store azure_disk azure_file cephfs cinder config_map csi downward_api empty_dir ephemeral fc flex_volume flocker gce_persistent_disk git_repo glusterfs host_path image iscsi name nfs persistent_volume_claim photon_persistent_disk portworx_volume projected quobyte rbd scale_io secret storageos vsphere_volume',
  ),
  V1PodStatus: attrs(
    'conditions:[V1PodCondition container_statuses:[V1ContainerStatus ephemeral_container_statuses host_ip host_i_ps init_container_statuses:[V1ContainerStatus message nominated_node_name phase pod_i_ps pod_ip qos_class reason resize resource_claim_statuses start_time:datetime',
  ),
  V1PodCondition: attrs(
    'last_probe_time:datetime last_transition_time:datetime message reason status type',
  ),
  V1ContainerStatus: attrs(
    'allocated_resources allocated_resources_status container_id image image_id last_state:V1ContainerState name ready resources restart_count started state:V1ContainerState user volume_mounts',
  ),
  V1ContainerState: attrs(
    'running:V1ContainerStateRunning terminated:V1ContainerStateTerminated waiting:V1ContainerStateWaiting',
  ),
  V1ContainerStateRunning: attrs('started_at:datetime'),
  V1ContainerStateTerminated: attrs(
    'container_id exit_code finished_at:datetime message reason signal started_at:datetime',
  ),
  V1ContainerStateWaiting: attrs('message reason'),
};

/** `'a b:T c:[U'` → `{a: undefined, b: 'T', c: '[U'}` (`[` marks a list). */
function attrs(spec: string): Record<string, AttrType> {
  const out: Record<string, AttrType> = {};
  for (const word of spec.split(' ')) {
    const [name, type] = word.split(':');
    out[name] = type;
  }
  return out;
}

/** JSON names the generic camelCase rule does not give (the client's attribute_map). */
const JSON_NAMES: Record<string, string> = {
  host_ip: 'hostIP',
  host_i_ps: 'hostIPs',
  pod_ip: 'podIP',
  pod_i_ps: 'podIPs',
  container_id: 'containerID',
  image_id: 'imageID',
  host_ipc: 'hostIPC',
  host_pid: 'hostPID',
  set_hostname_as_fqdn: 'setHostnameAsFQDN',
};

function jsonName(attr: string): string {
  return (
    JSON_NAMES[attr] ?? attr.replace(/_([a-z])/g, (_, c) => c.toUpperCase())
  );
}

function plain(value: unknown): PyVal {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') {
    const out: Record<string, PyVal> = {};
    for (const [k, v] of Object.entries(value as object)) out[k] = plain(v);
    return out;
  }
  return value as PyVal;
}

function convert(value: unknown, type: AttrType): PyVal {
  if (value === undefined || value === null) return null;
  if (!type) return plain(value);
  if (type.startsWith('[')) {
    return Array.isArray(value)
      ? value.map(v => convert(v, type.slice(1)))
      : null;
  }
  if (type === 'datetime') {
    const date = new Date(String(value));
    return Number.isNaN(date.getTime()) ? String(value) : new PyDateTime(date);
  }
  const model = MODELS[type];
  const obj = (value ?? {}) as Record<string, unknown>;
  const out: Record<string, PyVal> = {};
  for (const [attr, attrType] of Object.entries(model)) {
    out[attr] = convert(obj[jsonName(attr)], attrType);
  }
  return out;
}

/** `V1Pod.to_dict()` of a pod as the API returned it. */
export function podToDict(pod: unknown): PyVal {
  return convert(pod, 'V1Pod');
}

const WIDTH = 80;

function isDict(v: PyVal): v is { [key: string]: PyVal } {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    !(v instanceof PyDateTime)
  );
}

function sortedItems(d: { [key: string]: PyVal }): Array<[string, PyVal]> {
  return Object.entries(d).sort(([a], [b]) => {
    if (a === b) return 0;
    return a < b ? -1 : 1;
  });
}

/** Python's `repr()` (dicts with sorted keys, as pprint's `_safe_repr`). */
function repr(v: PyVal): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return pyRepr(v);
  if (v instanceof PyDateTime) return v.repr();
  if (Array.isArray(v)) return `[${v.map(repr).join(', ')}]`;
  return `{${sortedItems(v)
    .map(([k, x]) => `${pyRepr(k)}: ${repr(x)}`)
    .join(', ')}}`;
}

/** pprint's string splitting: a too-long string as adjacent literals, one per line, split after whitespace. */
function formatString(
  s: string,
  indent: number,
  allowance: number,
  level: number,
): string {
  const lines = s.split(/(?<=\n)/);
  let ind = indent;
  let allow = allowance;
  if (level === 1) {
    ind += 1;
    allow += 1;
  }
  const maxWidth = WIDTH - ind;
  const chunks: string[] = [];
  lines.forEach((line, i) => {
    const last = i === lines.length - 1;
    const rep = pyRepr(line);
    if (rep.length <= maxWidth - (last ? allow : 0)) {
      chunks.push(rep);
      return;
    }
    const parts = line.match(/\S*\s*/g)!.filter(p => p !== '');
    let current = '';
    parts.forEach((part, j) => {
      const candidate = current + part;
      const width = maxWidth - (last && j === parts.length - 1 ? allow : 0);
      if (pyRepr(candidate).length > width) {
        if (current) chunks.push(pyRepr(current));
        current = part;
      } else {
        current = candidate;
      }
    });
    if (current) chunks.push(pyRepr(current));
  });
  if (chunks.length <= 1) return pyRepr(s);
  const body = chunks.join(`\n${' '.repeat(ind)}`);
  return level === 1 ? `(${body})` : body;
}

/** pprint's `_format`: the repr when it fits, else dicts, lists and strings spread over lines. */
function format(
  v: PyVal,
  indent: number,
  allowance: number,
  level: number,
): string {
  const rep = repr(v);
  if (rep.length <= WIDTH - indent - allowance) return rep;
  if (typeof v === 'string')
    return formatString(v, indent, allowance, level + 1);
  if (Array.isArray(v) && v.length > 0) {
    const inner = indent + 1;
    const items = v.map((item, i) =>
      format(item, inner, i === v.length - 1 ? allowance + 1 : 1, level + 1),
    );
    return `[${items.join(`,\n${' '.repeat(inner)}`)}]`;
  }
  if (isDict(v) && Object.keys(v).length > 0) {
    const inner = indent + 1;
    const items = sortedItems(v);
    const parts = items.map(([k, x], i) => {
      const key = pyRepr(k);
      const last = i === items.length - 1;
      return `${key}: ${format(
        x,
        inner + key.length + 2,
        last ? allowance + 1 : 1,
        level + 1,
      )}`;
    });
    return `{${parts.join(`,\n${' '.repeat(inner)}`)}}`;
  }
  return rep;
}

/** `pprint.pformat(value)` (width 80, sorted dict keys), as the kubernetes client's models print themselves. */
export function pformat(value: PyVal): string {
  return format(value, 0, 0, 0);
}

/** The operator's `remote_pod: {…}` dump of a pod (`str(V1Pod)` is `pprint.pformat(to_dict())`). */
export function remotePodDump(pod: unknown): string {
  return pod === undefined || pod === null
    ? 'remote_pod: None'
    : `remote_pod: ${pformat(podToDict(pod))}`;
}
