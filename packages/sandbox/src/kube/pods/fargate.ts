/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import type { FargateProfileRecord } from '../../aws/AwsWorld';
import { KubeAdmissionPlugin, KubeObject } from '../types';
import { FARGATE_PROFILE_LABEL, PodContext } from './context';

/** The pod annotation the Fargate webhook writes about logging (fargate-logging.adoc). */
export const LOGGING_ANNOTATION = 'Logging';
/** Its value when the cluster has no `aws-logging` ConfigMap in `aws-observability`. */
export const LOGGING_DISABLED = 'LoggingDisabled: LOGGING_CONFIGMAP_NOT_FOUND';
/** Where Fargate's log router reads its configuration. */
export const AWS_LOGGING_CONFIGMAP = {
  namespace: 'aws-observability',
  name: 'aws-logging',
};
/** The Warning fargate-scheduler reports on each pod of such a cluster. */
export const LOGGING_DISABLED_MESSAGE =
  'Disabled logging because aws-logging configmap was not found. configmap "aws-logging" not found';

/**
 * The EKS Fargate mutating webhook: a pod created without a node name, for the default scheduler, that an ACTIVE
 * Fargate profile selects at that moment becomes a Fargate pod (`schedulerName: fargate-scheduler`, the profile label,
 * the `Logging` annotation). Any other pod is left alone: it stays with `default-scheduler`, and a profile created
 * later does not change it.
 */
export function fargateWebhook(ctx: PodContext): KubeAdmissionPlugin {
  return (resource, obj) => {
    const spec = obj.spec as Record<string, any> | undefined;
    if (resource !== 'pods' || !spec || spec.nodeName) return;
    if (spec.schedulerName && spec.schedulerName !== 'default-scheduler') {
      return;
    }
    const labels = obj.metadata.labels ?? {};
    const profile = ctx.world.eks.matchFargateProfile(
      ctx.clusterName,
      obj.metadata.namespace ?? '',
      labels,
    );
    if (!profile) return;
    const logging = ctx.kube.exists(
      'configmaps',
      AWS_LOGGING_CONFIGMAP.namespace,
      AWS_LOGGING_CONFIGMAP.name,
    );
    spec.schedulerName = 'fargate-scheduler';
    obj.metadata.labels = {
      ...labels,
      [FARGATE_PROFILE_LABEL]: profile.fargateProfileName,
    };
    obj.metadata.annotations = {
      ...(obj.metadata.annotations ?? {}),
      [LOGGING_ANNOTATION]: logging ? 'LoggingEnabled' : LOGGING_DISABLED,
    };
  };
}

/** Where a Fargate pod runs: one of its profile's subnets, an IP in that subnet, and the node named after the IP. */
export interface FargatePlacement {
  subnetId: string;
  zone: string;
  ip: string;
  nodeName: string;
}

/** The pod's placement, derived from its uid (stable across restarts of the sandbox). */
export function fargatePlacement(
  ctx: PodContext,
  pod: KubeObject,
  profile: FargateProfileRecord,
): FargatePlacement {
  const hash = crypto
    .createHash('sha1')
    .update(pod.metadata.uid ?? pod.metadata.name)
    .digest();
  const cluster = ctx.world.eks.cluster(ctx.clusterName);
  const subnetId = profile.subnets[hash[0] % profile.subnets.length];
  const subnet = cluster.subnets.find(s => s.subnetId === subnetId);
  const [a, b, c] = (subnet?.cidrBlock ?? '10.0.0.0/19')
    .split('/')[0]
    .split('.')
    .map(Number);
  const ip = `${a}.${b}.${c + (hash[1] % 32)}.${(hash[2] % 253) + 1}`;
  return {
    subnetId,
    zone: subnet?.availabilityZone ?? `${ctx.world.region}a`,
    ip,
    nodeName: `fargate-ip-${ip.replace(/\./g, '-')}.${
      ctx.world.region
    }.compute.internal`,
  };
}

/** The Fargate profile a pod was admitted with (its label), whatever its status, if it still exists. */
export function profileOf(
  ctx: PodContext,
  pod: KubeObject,
): FargateProfileRecord | undefined {
  const name = pod.metadata.labels?.[FARGATE_PROFILE_LABEL];
  return ctx.world.eks
    .profiles(ctx.clusterName)
    .find(p => p.fargateProfileName === name);
}
