/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { AirflowAuthConfig, AirflowInstanceConfig } from './types';

/**
 * Defaults of the `crawlers.airflow` configuration.
 *
 * @public
 */
export const airflowConfigDefaults = {
  apiVersion: 'auto',
  timeoutMs: 10_000,
} as const;

function readAuth(config: Config, key: string): AirflowAuthConfig {
  const auth = config.getOptionalConfig('auth');
  if (!auth) {
    return { type: 'none' };
  }
  const type = auth.getString('type');
  switch (type) {
    case 'basic':
    case 'password':
      return {
        type,
        username: auth.getString('username'),
        password: auth.getString('password'),
      };
    case 'bearer':
      return { type, token: auth.getString('token') };
    default:
      throw new InputError(
        `${key}.auth.type is "${type}": use one of basic, password, bearer`,
      );
  }
}

function readBaseUrl(value: string, key: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(
      `${key} is not a URL: write it like https://airflow.example.com`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`${key} must use http or https`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new InputError(
      `${key} must not carry a query, fragment or credentials: put credentials under auth`,
    );
  }
  return url.toString().replace(/\/+$/, '');
}

/**
 * Reads and checks `crawlers.airflow.instances`.
 *
 * @public
 */
export function readAirflowInstancesConfig(
  config: Config,
): AirflowInstanceConfig[] {
  const instances =
    config.getOptionalConfigArray('crawlers.airflow.instances') ?? [];
  const names = new Set<string>();
  return instances.map((instance, index) => {
    const key = `crawlers.airflow.instances[${index}]`;
    const name = instance.getString('name').trim();
    if (!name) {
      throw new InputError(`${key}.name must not be empty`);
    }
    if (names.has(name)) {
      throw new InputError(
        `${key}.name "${name}" is used twice: give each Airflow instance its own name`,
      );
    }
    names.add(name);
    const baseUrl = readBaseUrl(
      instance.getString('baseUrl'),
      `${key}.baseUrl`,
    );
    const uiUrl = instance.getOptionalString('uiUrl');
    const apiVersion =
      instance.getOptionalString('apiVersion') ??
      airflowConfigDefaults.apiVersion;
    if (apiVersion !== 'auto' && apiVersion !== 'v1' && apiVersion !== 'v2') {
      throw new InputError(
        `${key}.apiVersion is "${apiVersion}": use auto, v1 or v2`,
      );
    }
    const timeoutMs =
      instance.getOptionalNumber('timeoutMs') ??
      airflowConfigDefaults.timeoutMs;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new InputError(
        `${key}.timeoutMs must be a positive whole number of milliseconds`,
      );
    }
    return {
      name,
      baseUrl,
      uiUrl: uiUrl ? readBaseUrl(uiUrl, `${key}.uiUrl`) : baseUrl,
      apiVersion,
      auth: readAuth(instance, key),
      timeoutMs,
    };
  });
}
