/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { isError } from '@backstage/errors';
import type { CrawlersUpstreamError } from '@crawler-platform/plugin-crawlers-common';
import type { CrawlersClusterClient } from '@crawler-platform/plugin-crawlers-node';
import {
  ApiConstructor,
  ApiType,
  CoreV1Api,
  KubeConfig,
} from '@kubernetes/client-node';

/** Longest upstream message put in a section error. */
const MAX_MESSAGE_LENGTH = 500;

/** A Kubernetes API call that took longer than `crawlers.kubernetes.timeoutMs`. */
export class KubernetesTimeoutError extends Error {
  readonly name = 'KubernetesTimeoutError';
}

/** A failure to obtain credentials or the endpoint of a cluster (EKS DescribeCluster, STS, kubeconfig file). */
export class ClusterCredentialsError extends Error {
  readonly name = 'ClusterCredentialsError';
}

/** Access to the core API of one cluster, with a timeout on every call. */
export interface KubeAccess {
  cluster: string;
  /** Runs one call against the cluster's CoreV1Api; rejects with {@link KubernetesTimeoutError} after the timeout. */
  call<T>(fn: (core: CoreV1Api) => Promise<T>): Promise<T>;
  /** The same against another API group's client (e.g. `RbacAuthorizationV1Api`). */
  callApi<A extends ApiType, T>(
    api: ApiConstructor<A>,
    fn: (client: A) => Promise<T>,
  ): Promise<T>;
}

const apis = new WeakMap<KubeConfig, Map<unknown, ApiType>>();

/** Builds {@link KubeAccess} over a cluster client of `crawlersClusterServiceRef`. */
export function kubeAccess(
  client: CrawlersClusterClient,
  timeoutMs: number,
): KubeAccess {
  async function callApi<A extends ApiType, T>(
    api: ApiConstructor<A>,
    fn: (client: A) => Promise<T>,
  ): Promise<T> {
    let kc: KubeConfig;
    try {
      kc = await client.kubeConfig();
    } catch (error) {
      throw new ClusterCredentialsError(
        `Could not get credentials for cluster "${client.name}": ${
          isError(error) ? error.message : String(error)
        }`,
      );
    }
    let clients = apis.get(kc);
    if (!clients) {
      clients = new Map();
      apis.set(kc, clients);
    }
    let made = clients.get(api) as A | undefined;
    if (!made) {
      made = kc.makeApiClient(api);
      clients.set(api, made);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new KubernetesTimeoutError(
              `The Kubernetes API of cluster "${client.name}" did not answer within ${timeoutMs} ms (crawlers.kubernetes.timeoutMs)`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([fn(made), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
  return {
    cluster: client.name,
    call: fn => callApi(CoreV1Api, fn),
    callApi,
  };
}

/** The `code` of an `ApiException` of `@kubernetes/client-node`, if the error is one. */
export function kubeStatusCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' && code >= 100 && code < 600
    ? code
    : undefined;
}

/** The API server's message from an `ApiException` body (a `Status` object, as JSON text or parsed). */
function statusMessage(error: unknown): string | undefined {
  let body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    const text = body;
    try {
      body = JSON.parse(text);
    } catch {
      return text.trim().slice(0, MAX_MESSAGE_LENGTH) || undefined;
    }
  }
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && message ? message : undefined;
}

/**
 * Describes a failed Kubernetes call as `{ status, message }`: the API server's status and message (e.g. an RBAC 403
 * `pods is forbidden: User "…" cannot list resource "pods" …`), 504 for a timeout, 502 for an unreachable cluster or
 * missing credentials, 404 for a cluster that is not configured. Request headers are never echoed.
 */
export function describeKubeError(
  cluster: string,
  error: unknown,
): { status: number; message: string } {
  const code = kubeStatusCode(error);
  if (code !== undefined) {
    const message =
      statusMessage(error) ??
      (code === 401
        ? 'Unauthorized: the cluster refused the credentials'
        : 'no message');
    return {
      status: code,
      message:
        `The Kubernetes API of cluster "${cluster}" answered ${code}: ${message}`.slice(
          0,
          MAX_MESSAGE_LENGTH,
        ),
    };
  }
  if (isError(error)) {
    switch (error.name) {
      case 'KubernetesTimeoutError':
        return { status: 504, message: error.message };
      case 'ClusterCredentialsError':
        return {
          status: 502,
          message: error.message.slice(0, MAX_MESSAGE_LENGTH),
        };
      case 'NotFoundError':
        return { status: 404, message: error.message };
      default:
        return {
          status: 502,
          message:
            `Cluster "${cluster}" could not be reached: ${error.message}`.slice(
              0,
              MAX_MESSAGE_LENGTH,
            ),
        };
    }
  }
  return {
    status: 502,
    message: `Cluster "${cluster}" could not be reached`,
  };
}

/** A failed Kubernetes call as a section error. */
export function toKubeSectionError(
  source: string,
  cluster: string,
  error: unknown,
): CrawlersUpstreamError {
  return { source, ...describeKubeError(cluster, error) };
}
