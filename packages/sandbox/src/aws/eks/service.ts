/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import { SANDBOX_CLUSTER_NAME } from '../../constants';
import type { StateStore } from '../../state/StateStore';
import { AwsServiceError } from '../errors';
import type { IamRoleRecord } from '../iam/service';
import type { AwsAccount } from '../state';
import {
  ClusterRecord,
  clusterView,
  defaultCluster,
  generateCaCertificate,
} from './cluster';
import {
  CreateFargateProfileInput,
  FargateProfileEvent,
  FargateProfileRecord,
  selectorMatches,
  validateProfileInput,
} from './fargate';

/** EKS's slice of `aws.json`: clusters (with their Fargate profiles) by name. */
export interface EksState {
  eks: Record<string, ClusterRecord>;
}

/** At most this many Fargate profiles per cluster (ResourceLimitExceededException). */
const MAX_PROFILES = 10;

/**
 * The EKS stand-in: the sandbox cluster (ACTIVE from the start) and its Fargate profiles, which go CREATING → ACTIVE
 * and DELETING → gone after `transitionMs` and emit 'fargateProfile' (FargateProfileEvent) when they do.
 */
export class EksService {
  constructor(
    private readonly store: StateStore<EksState>,
    private readonly account: AwsAccount,
    private readonly findRole: (name: string) => IamRoleRecord | undefined,
    /** Fargate profile CREATING → ACTIVE and DELETING → gone, in ms; may be changed at run time. */
    public transitionMs: number,
  ) {
    const clusters = store.state.eks;
    if (!clusters[SANDBOX_CLUSTER_NAME]) {
      clusters[SANDBOX_CLUSTER_NAME] = defaultCluster(store.now());
    }
    // Profiles caught mid-transition by a restart finish their transition.
    for (const cluster of Object.values(clusters)) {
      for (const p of Object.values(cluster.fargateProfiles)) {
        if (p.status === 'CREATING' || p.status === 'DELETING') {
          this.scheduleTransition(cluster.name, p.fargateProfileName);
        }
      }
    }
  }

  clusterArn(name: string): string {
    return `arn:aws:eks:${this.account.region}:${this.account.accountId}:cluster/${name}`;
  }

  profileArn(cluster: string, profile: string): string {
    return `arn:aws:eks:${this.account.region}:${
      this.account.accountId
    }:fargateprofile/${cluster}/${profile}/${crypto
      .createHash('md5')
      .update(`${cluster}/${profile}`)
      .digest('hex')
      .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5')}`;
  }

  /** Called by the Kubernetes stand-in with its URL: the endpoint DescribeCluster returns. */
  setClusterEndpoint(name: string, url: string): void {
    this.cluster(name).endpoint = url;
    this.store.changed();
  }

  /** The cluster record, or ResourceNotFoundException. */
  cluster(name: string): ClusterRecord {
    const c = this.store.state.eks[name];
    if (!c) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `No cluster found for name: ${name}.`,
        404,
        { clusterName: name },
      );
    }
    return c;
  }

  /** DescribeCluster; the CA certificate is generated (openssl) on first use and kept. */
  describeCluster(name: string) {
    const c = this.cluster(name);
    if (!c.certificateAuthorityData) {
      c.certificateAuthorityData = generateCaCertificate(name);
      this.store.changed();
    }
    return clusterView(c, this.clusterArn(c.name), this.account.region);
  }

  profiles(cluster: string): FargateProfileRecord[] {
    return Object.values(this.cluster(cluster).fargateProfiles).sort((a, b) =>
      a.fargateProfileName < b.fargateProfileName ? -1 : 1,
    );
  }

  describeProfile(cluster: string, profile: string) {
    return this.profileView(this.requireProfile(cluster, profile));
  }

  createProfile(cluster: string, input: CreateFargateProfileInput) {
    const c = this.cluster(cluster);
    const { name, podExecutionRoleArn, subnets } = validateProfileInput(
      cluster,
      c,
      input,
      this.findRole,
    );
    const inUse = (message: string) =>
      new AwsServiceError('ResourceInUseException', message, 409, {
        clusterName: cluster,
        fargateProfileName: name,
      });
    if (c.fargateProfiles[name]) {
      throw inUse(
        'A Fargate Profile already exists with this name in this cluster.',
      );
    }
    const deleting = Object.values(c.fargateProfiles).find(
      p => p.status === 'DELETING',
    );
    if (deleting) {
      throw inUse(
        `Cannot create Fargate Profile ${name} because cluster ${cluster} currently has Fargate profile ${deleting.fargateProfileName} in status DELETING`,
      );
    }
    if (Object.keys(c.fargateProfiles).length >= MAX_PROFILES) {
      throw new AwsServiceError(
        'ResourceLimitExceededException',
        `Cluster ${cluster} already has the maximum number of Fargate profiles (${MAX_PROFILES}).`,
        400,
        { clusterName: cluster },
      );
    }
    const record: FargateProfileRecord = {
      fargateProfileName: name,
      clusterName: cluster,
      createdAt: this.store.now().toISOString(),
      podExecutionRoleArn,
      subnets,
      selectors: (input.selectors ?? []).map(s => ({
        namespace: s.namespace,
        labels: { ...(s.labels ?? {}) },
      })),
      status: 'CREATING',
      tags: input.tags ?? {},
    };
    c.fargateProfiles[name] = record;
    this.store.changed();
    this.scheduleTransition(cluster, name);
    return this.profileView(record);
  }

  deleteProfile(cluster: string, profile: string) {
    const c = this.cluster(cluster);
    const p = this.requireProfile(cluster, profile);
    const busy = Object.values(c.fargateProfiles).find(
      x =>
        x.status === 'DELETING' ||
        (x.fargateProfileName === profile && x.status === 'CREATING'),
    );
    if (busy) {
      throw new AwsServiceError(
        'ResourceInUseException',
        `Cannot delete Fargate Profile ${profile} because cluster ${cluster} currently has Fargate profile ${busy.fargateProfileName} in status ${busy.status}`,
        409,
        { clusterName: cluster, fargateProfileName: profile },
      );
    }
    p.status = 'DELETING';
    this.store.changed();
    this.scheduleTransition(cluster, profile);
    return this.profileView(p);
  }

  /**
   * The Fargate profile a pod lands on: ACTIVE profiles only; the alphanumerically first matching name wins; a pod
   * that pins a profile with the `eks.amazonaws.com/fargate-profile` label only matches that one.
   */
  matchFargateProfile(
    cluster: string,
    namespace: string,
    labels: Record<string, string> = {},
  ): FargateProfileRecord | undefined {
    const pinned = labels['eks.amazonaws.com/fargate-profile'];
    return this.profiles(cluster)
      .filter(p => p.status === 'ACTIVE')
      .filter(p => !pinned || p.fargateProfileName === pinned)
      .find(p => p.selectors.some(s => selectorMatches(s, namespace, labels)));
  }

  private requireProfile(
    cluster: string,
    profile: string,
  ): FargateProfileRecord {
    const p = this.cluster(cluster).fargateProfiles[profile];
    if (!p) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `No Fargate Profile found with name: ${profile}.`,
        404,
        { clusterName: cluster, fargateProfileName: profile },
      );
    }
    return p;
  }

  private profileView(p: FargateProfileRecord) {
    return {
      fargateProfileName: p.fargateProfileName,
      fargateProfileArn: this.profileArn(p.clusterName, p.fargateProfileName),
      clusterName: p.clusterName,
      createdAt: p.createdAt,
      podExecutionRoleArn: p.podExecutionRoleArn,
      subnets: p.subnets,
      selectors: p.selectors,
      status: p.status,
      tags: p.tags,
    };
  }

  private scheduleTransition(cluster: string, profile: string): void {
    this.store.after(
      this.transitionMs,
      `EKS Fargate profile ${cluster}/${profile} transition`,
      () => {
        const c = this.store.state.eks[cluster];
        const p = c?.fargateProfiles[profile];
        if (!p) return;
        if (p.status === 'CREATING') {
          p.status = 'ACTIVE';
          this.store.changed();
          this.emit({ clusterName: cluster, profile: p, change: 'ACTIVE' });
        } else if (p.status === 'DELETING') {
          delete c.fargateProfiles[profile];
          this.store.changed();
          this.emit({ clusterName: cluster, profile: p, change: 'DELETED' });
        }
      },
    );
  }

  private emit(event: FargateProfileEvent): void {
    this.store.events.emit('fargateProfile', event);
  }
}
