/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { NotFoundError } from '@backstage/errors';
import {
  AwsCredentialsManager,
  DefaultAwsCredentialsManager,
} from '@backstage/integration-aws-node';
import { KubeConfig } from '@kubernetes/client-node';
import { createAssumeRoleCredentialProvider } from '../aws/assumeRoleCredentials';
import { readCrawlersClustersConfig } from './config';
import { createEksToken } from './eksToken';
import type {
  CrawlersClusterClient,
  CrawlersClusterConfig,
  CrawlersClusterService,
} from './types';

/** How long a DescribeCluster answer (endpoint, CA) is reused. */
const DESCRIBE_TTL_MS = 60 * 60 * 1000;
/** A token is replaced this long before its 14 minutes are over. */
const TOKEN_MARGIN_MS = 60 * 1000;

/**
 * Options of {@link DefaultCrawlersClusterService.create}.
 *
 * @public
 */
export type CrawlersClusterServiceOptions = {
  clusters: CrawlersClusterConfig[];
  credentialsManager: AwsCredentialsManager;
  logger: LoggerService;
  now?: () => number;
};

type Options = Omit<CrawlersClusterServiceOptions, 'clusters'>;

function kubeConfigFor(options: {
  name: string;
  server: string;
  caData?: string;
  skipTLSVerify?: boolean;
  token: string;
}): KubeConfig {
  const kc = new KubeConfig();
  // A plain-HTTP API server (a local stand-in) has no TLS to verify, and @kubernetes/client-node refuses http unless
  // verification is off; an https endpoint is always verified against the cluster CA unless configured otherwise.
  const plainHttp = options.server.startsWith('http://');
  kc.loadFromOptions({
    clusters: [
      {
        name: options.name,
        server: options.server,
        caData: plainHttp ? undefined : options.caData,
        skipTLSVerify: plainHttp || (options.skipTLSVerify ?? false),
      },
    ],
    users: [{ name: 'crawlers', token: options.token }],
    contexts: [{ name: options.name, cluster: options.name, user: 'crawlers' }],
    currentContext: options.name,
  });
  return kc;
}

type Described = { server: string; caData?: string; at: number };

/** An EKS or AWS-authenticated cluster: credentials (optionally an assumed role), then a token per 14 minutes. */
class AwsClusterClient implements CrawlersClusterClient {
  private described?: Promise<Described>;
  private current?: { kc: KubeConfig; expiresAt: number };
  private pending?: Promise<KubeConfig>;
  private credentials?: Promise<AwsCredentialIdentityProvider>;

  constructor(
    private readonly cluster: Extract<
      CrawlersClusterConfig,
      { type: 'eks' | 'aws-static' }
    >,
    private readonly options: Options,
  ) {}

  get name() {
    return this.cluster.name;
  }

  private now() {
    return (this.options.now ?? Date.now)();
  }

  private provider(): Promise<AwsCredentialIdentityProvider> {
    if (!this.credentials) {
      const accountId =
        this.cluster.type === 'eks' ? this.cluster.accountId : undefined;
      this.credentials = this.options.credentialsManager
        .getCredentialProvider(accountId ? { accountId } : undefined)
        .then(({ sdkCredentialProvider }) => {
          const { assumeRole, externalId } = this.cluster;
          if (!assumeRole) {
            return sdkCredentialProvider;
          }
          return createAssumeRoleCredentialProvider({
            base: sdkCredentialProvider,
            sessionName: 'backstage-crawlers',
            roleArn: assumeRole,
            externalId,
            region: this.cluster.region,
            endpoint:
              this.cluster.type === 'eks' ? this.cluster.endpoint : undefined,
            now: () => this.now(),
          });
        });
      this.credentials.catch(() => {
        this.credentials = undefined;
      });
    }
    return this.credentials;
  }

  private describe(): Promise<Described> {
    const cluster = this.cluster;
    if (cluster.type === 'aws-static') {
      return Promise.resolve({
        server: cluster.url,
        caData: cluster.caData,
        at: this.now(),
      });
    }
    const cached = this.described;
    if (!cached) {
      this.described = (async () => {
        const eks = new EKSClient({
          region: cluster.region,
          endpoint: cluster.endpoint,
          credentials: await this.provider(),
          maxAttempts: 2,
        });
        try {
          const answer = await eks.send(
            new DescribeClusterCommand({ name: cluster.clusterName }),
          );
          const server = answer.cluster?.endpoint;
          if (!server) {
            throw new Error(
              `EKS DescribeCluster of ${cluster.clusterName} returned no endpoint (status ${answer.cluster?.status})`,
            );
          }
          return {
            server,
            caData: answer.cluster?.certificateAuthority?.data,
            at: this.now(),
          };
        } finally {
          eks.destroy();
        }
      })();
      this.described.catch(() => {
        this.described = undefined;
      });
      return this.described;
    }
    return cached.then((value): Promise<Described> | Described => {
      if (this.now() - value.at > DESCRIBE_TTL_MS) {
        this.described = undefined;
        return this.describe();
      }
      return value;
    });
  }

  async kubeConfig(): Promise<KubeConfig> {
    const current = this.current;
    if (current && this.now() < current.expiresAt - TOKEN_MARGIN_MS) {
      return current.kc;
    }
    if (!this.pending) {
      this.pending = (async () => {
        const [described, provider] = await Promise.all([
          this.describe(),
          this.provider(),
        ]);
        const { token, expiresAt } = await createEksToken({
          clusterId:
            this.cluster.type === 'eks'
              ? this.cluster.clusterName
              : this.cluster.clusterId,
          region: this.cluster.region,
          credentials: await provider(),
          signingDate: new Date(this.now()),
        });
        const kc = kubeConfigFor({
          name: this.cluster.name,
          server: described.server,
          caData: described.caData,
          skipTLSVerify:
            this.cluster.type === 'aws-static'
              ? this.cluster.skipTLSVerify
              : false,
          token,
        });
        this.current = { kc, expiresAt: expiresAt.getTime() };
        this.options.logger.debug('Signed a new EKS token', {
          cluster: this.cluster.name,
          expiresAt: expiresAt.toISOString(),
        });
        return kc;
      })().finally(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }
}

class KubeconfigClusterClient implements CrawlersClusterClient {
  private kc?: KubeConfig;

  constructor(
    private readonly cluster: Extract<
      CrawlersClusterConfig,
      { type: 'kubeconfig' }
    >,
  ) {}

  get name() {
    return this.cluster.name;
  }

  async kubeConfig(): Promise<KubeConfig> {
    if (!this.kc) {
      const kc = new KubeConfig();
      kc.loadFromFile(this.cluster.file);
      if (this.cluster.context) {
        kc.setCurrentContext(this.cluster.context);
      }
      this.kc = kc;
    }
    return this.kc;
  }
}

/**
 * {@link CrawlersClusterService} over `crawlers.clusters` and the AWS clusters of `kubernetes.clusterLocatorMethods`.
 *
 * @public
 */
export class DefaultCrawlersClusterService implements CrawlersClusterService {
  private readonly clients: Map<string, CrawlersClusterClient>;

  static fromConfig(
    config: Config,
    deps: { logger: LoggerService },
  ): DefaultCrawlersClusterService {
    return DefaultCrawlersClusterService.create({
      clusters: readCrawlersClustersConfig(config),
      credentialsManager: DefaultAwsCredentialsManager.fromConfig(config),
      logger: deps.logger,
    });
  }

  static create(
    options: CrawlersClusterServiceOptions,
  ): DefaultCrawlersClusterService {
    return new DefaultCrawlersClusterService(options);
  }

  private constructor(
    options: Options & { clusters: CrawlersClusterConfig[] },
  ) {
    this.clients = new Map(
      options.clusters.map(cluster => [
        cluster.name,
        cluster.type === 'kubeconfig'
          ? new KubeconfigClusterClient(cluster)
          : new AwsClusterClient(cluster, options),
      ]),
    );
  }

  listClusterNames(): string[] {
    return [...this.clients.keys()];
  }

  getCluster(name: string): CrawlersClusterClient {
    const client = this.clients.get(name);
    if (!client) {
      throw new NotFoundError(
        `Cluster "${name}" is not configured: add it under crawlers.clusters (or kubernetes.clusterLocatorMethods)`,
      );
    }
    return client;
  }
}
