/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import crypto from 'node:crypto';
import type { FargateProfileRecord } from '../../aws/AwsWorld';
import { KubeObject } from '../types';
import { PodContext } from './context';
import { fargatePlacement, profileOf } from './fargate';

/** Why containerd could not pull an image: the gRPC code and the error text after `desc = `. */
export interface PullFailure {
  code: 'NotFound' | 'Unknown';
  message: string;
}

/** `rpc error: code = … desc = …`, the error the kubelet reports for a failed pull. */
export function rpcError(f: PullFailure): string {
  return `rpc error: code = ${f.code} desc = ${f.message}`;
}

/** Where an image reference points: registry host, repository path, tag or digest, and its containerd name. */
function imageRef(image: string) {
  const at = image.indexOf('@');
  const colon = image.lastIndexOf(':');
  const slash = image.indexOf('/');
  const hasTag = colon > image.lastIndexOf('/');
  let name = image;
  let reference = 'latest';
  if (at >= 0) {
    name = image.slice(0, at);
    reference = image.slice(at + 1);
  } else if (hasTag) {
    name = image.slice(0, colon);
    reference = image.slice(colon + 1);
  }
  const first = slash >= 0 ? name.slice(0, slash) : '';
  const isHost = /[.:]/.test(first) || first === 'localhost';
  const host = isHost ? first : 'docker.io';
  let path = isHost ? name.slice(slash + 1) : name;
  if (!isHost && !path.includes('/')) path = `library/${path}`;
  const canonical = `${host}/${path}${at >= 0 ? '@' : ':'}${reference}`;
  return {
    host: host === 'docker.io' ? 'registry-1.docker.io' : host,
    path,
    reference,
    canonical: isHost ? image : canonical,
  };
}

/** A stable public address for a host name (what its DNS name resolves to in the messages). */
function publicIp(host: string): string {
  const h = crypto.createHash('sha1').update(host).digest();
  return `52.${(h[0] % 60) + 16}.${h[1]}.${(h[2] % 253) + 1}`;
}

const failedToPull = (image: string, rest: string) =>
  `failed to pull and unpack image "${image}": ${rest}`;

/** The messages of containerd 1.7 (the kubelet's `desc`) for each way a pull fails. */
const messages = {
  notFound: (image: string) =>
    failedToPull(
      image,
      `failed to resolve reference "${image}": ${image}: not found`,
    ),
  headStatus: (image: string, url: string, status: string) =>
    failedToPull(
      image,
      `failed to resolve reference "${image}": unexpected status from HEAD request to ${url}: ${status}`,
    ),
  headTimeout: (image: string, url: string, ip: string) =>
    failedToPull(
      image,
      `failed to resolve reference "${image}": failed to do request: Head "${url}": dial tcp ${ip}:443: i/o timeout`,
    ),
  blobStatus: (image: string, url: string, status: string) =>
    failedToPull(
      image,
      `failed to copy: httpReadSeeker: failed open: unexpected status code ${url}: ${status}`,
    ),
  blobTimeout: (image: string, url: string, ip: string) =>
    failedToPull(
      image,
      `failed to copy: httpReadSeeker: failed open: failed to do request: Get "${url}": dial tcp ${ip}:443: i/o timeout`,
    ),
};

/**
 * May the pod execution role read the repository? Its identity policies (attached managed and inline) and the
 * repository policy decide together: an explicit Deny in either wins, else an Allow in either is enough.
 */
function roleMayPull(
  ctx: PodContext,
  roleArn: string,
  repository: string,
  action: string,
): boolean {
  const { iam, ecr, accountId } = ctx.world;
  const roleName = roleArn.split('/').pop() ?? '';
  const identity = iam.roleDecision(
    roleName,
    action,
    ecr.repositoryArn(repository),
  );
  const resource = ecr.repositoryPolicyDecision(repository, action, [
    `AWS:${roleArn}`,
    `AWS:${accountId}`,
  ]);
  if (identity === 'Deny' || resource === 'Deny') return false;
  return identity === 'Allow' || resource === 'Allow';
}

/** An ECR image pull, step by step as containerd does it: manifest (HEAD), then layers from S3. */
function ecrPull(
  ctx: PodContext,
  image: string,
  repository: string,
  reference: string,
  access: { profile?: FargateProfileRecord; endpoints?: Set<string> },
): PullFailure | undefined {
  const { ecr, region } = ctx.world;
  const host = ecr.registryHost();
  const manifestUrl = `https://${host}/v2/${repository}/manifests/${reference}`;
  const { profile, endpoints } = access;
  const service = (s: string) => `com.amazonaws.${region}.${s}`;
  if (
    endpoints &&
    !(endpoints.has(service('ecr.dkr')) && endpoints.has(service('ecr.api')))
  ) {
    return {
      code: 'Unknown',
      message: messages.headTimeout(image, manifestUrl, publicIp(host)),
    };
  }
  const mayPull = (action: string) =>
    !profile ||
    roleMayPull(ctx, profile.podExecutionRoleArn, repository, action);
  if (!mayPull('ecr:BatchGetImage')) {
    return {
      code: 'Unknown',
      message: messages.headStatus(image, manifestUrl, '403 Forbidden'),
    };
  }
  const found = ecr.getImage(repository, reference);
  if (!found) return { code: 'NotFound', message: messages.notFound(image) };
  const layer = `sha256:${crypto
    .createHash('sha256')
    .update(`${found.imageDigest}/layer`)
    .digest('hex')}`;
  if (!mayPull('ecr:GetDownloadUrlForLayer')) {
    return {
      code: 'Unknown',
      message: messages.blobStatus(
        image,
        `https://${host}/v2/${repository}/blobs/${layer}`,
        '403 Forbidden',
      ),
    };
  }
  if (endpoints && !endpoints.has(service('s3'))) {
    const bucket = `prod-${region}-starport-layer-bucket.s3.${region}.amazonaws.com`;
    return {
      code: 'Unknown',
      message: messages.blobTimeout(
        image,
        `https://${bucket}/${ctx.world.accountId}/${repository}/${layer}`,
        publicIp(bucket),
      ),
    };
  }
  return undefined;
}

/**
 * Why the pod cannot pull `image` now, from the state of the AWS stand-in; undefined when it can. For a Fargate pod:
 *
 * 1. Egress: its subnet (one of its profile's) reaches the internet through an active NAT route; without one only
 *    the VPC's endpoints are reachable (ECR needs `ecr.api` and `ecr.dkr` interface endpoints and the `s3` gateway
 *    endpoint on the subnet's route table) → `dial tcp <ip>:443: i/o timeout`.
 * 2. ECR authorisation of the profile's pod execution role (`ecr:BatchGetImage` for the manifest,
 *    `ecr:GetDownloadUrlForLayer` for the layers) → `403 Forbidden`.
 * 3. The image must exist → `not found`. Images of other registries are never found (the sandbox has no other).
 */
export function pullFailure(
  ctx: PodContext,
  pod: KubeObject,
  image: string,
): PullFailure | undefined {
  const profile = profileOf(ctx, pod);
  let endpoints: Set<string> | undefined;
  if (profile) {
    const egress = ctx.world.ec2.egress(
      fargatePlacement(ctx, pod, profile).subnetId,
    );
    endpoints = egress.natGatewayId
      ? undefined
      : new Set(egress.endpointServices);
  }
  const ecrRef = ctx.world.ecr.parseImageUri(image);
  if (ecrRef) {
    return ecrPull(ctx, image, ecrRef.repository, ecrRef.reference, {
      profile,
      endpoints,
    });
  }
  const ref = imageRef(image);
  if (endpoints) {
    const url = `https://${ref.host}/v2/${ref.path}/manifests/${ref.reference}`;
    return {
      code: 'Unknown',
      message: messages.headTimeout(ref.canonical, url, publicIp(ref.host)),
    };
  }
  return { code: 'NotFound', message: messages.notFound(ref.canonical) };
}
