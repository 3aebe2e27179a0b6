/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { airflowServiceRef } from './airflowServiceRef';
import type { AirflowService } from './airflow/types';

describe('airflowServiceRef', () => {
  it('should build the Airflow service from crawlers.airflow.instances by default', async () => {
    let service: AirflowService | undefined;
    const consumer = createBackendPlugin({
      pluginId: 'consumer',
      register(env) {
        env.registerInit({
          deps: { airflow: airflowServiceRef },
          async init({ airflow }) {
            service = airflow;
          },
        });
      },
    });
    await startTestBackend({
      features: [
        consumer,
        mockServices.rootConfig.factory({
          data: {
            crawlers: {
              airflow: {
                instances: [
                  {
                    name: 'airflow2',
                    baseUrl: 'http://airflow2.test',
                    apiVersion: 'v1',
                  },
                  {
                    name: 'airflow3',
                    baseUrl: 'http://airflow3.test',
                    apiVersion: 'v2',
                  },
                ],
              },
            },
          },
        }),
      ],
    });
    expect(service?.listInstanceNames()).toEqual(['airflow2', 'airflow3']);
    await expect(
      service?.getInstance('airflow3').getApiVersion(),
    ).resolves.toBe('v2');
  });
});
