/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { NotFoundError } from '@backstage/errors';
import { readAirflowInstancesConfig } from './config';
import { DefaultAirflowInstanceClient } from './DefaultAirflowInstanceClient';
import type {
  AirflowInstanceClient,
  AirflowInstanceConfig,
  AirflowService,
} from './types';

/**
 * {@link AirflowService} over the instances of `crawlers.airflow.instances`.
 *
 * @public
 */
export class DefaultAirflowService implements AirflowService {
  private readonly clients: Map<string, AirflowInstanceClient>;

  /** Reads `crawlers.airflow.instances` and builds one client per instance. */
  static fromConfig(
    config: Config,
    deps: { logger: LoggerService },
  ): DefaultAirflowService {
    return DefaultAirflowService.create({
      instances: readAirflowInstancesConfig(config),
      logger: deps.logger,
    });
  }

  /** Builds the service from already parsed instance settings. */
  static create(options: {
    instances: AirflowInstanceConfig[];
    logger: LoggerService;
    now?: () => number;
  }): DefaultAirflowService {
    return new DefaultAirflowService(
      options.instances.map(config =>
        DefaultAirflowInstanceClient.create({
          config,
          logger: options.logger,
          now: options.now,
        }),
      ),
    );
  }

  private constructor(clients: AirflowInstanceClient[]) {
    this.clients = new Map(clients.map(c => [c.name, c]));
  }

  listInstanceNames(): string[] {
    return [...this.clients.keys()];
  }

  getInstance(name?: string): AirflowInstanceClient {
    const client =
      name === undefined
        ? this.clients.values().next().value
        : this.clients.get(name);
    if (!client) {
      throw new NotFoundError(
        name === undefined
          ? 'No Airflow instance is configured: add one under crawlers.airflow.instances'
          : `Airflow instance "${name}" is not configured under crawlers.airflow.instances`,
      );
    }
    return client;
  }
}
