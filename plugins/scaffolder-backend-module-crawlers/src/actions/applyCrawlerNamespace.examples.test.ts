/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { KubeConfig } from '@kubernetes/client-node';
import { KubeStore, startKubeApiServer } from '@crawler-platform/sandbox';
import yaml from 'yaml';
import { actionContext, outputsOf } from '../__testUtils__/context';
import { createKubernetesCrawlerNamespaceApplyAction } from './applyCrawlerNamespace';
import { examples } from './applyCrawlerNamespace.examples';

describe('kubernetes:crawler-namespace:apply examples', () => {
  let kube: KubeStore;
  let server: { url: string; close(): Promise<void> };

  beforeEach(async () => {
    kube = new KubeStore();
    server = await startKubeApiServer({ kube, port: 0 });
  });

  afterEach(async () => {
    await server.close();
    kube.close();
  });

  it.each(examples.map((e, i) => [i, e.description]))(
    'should run example %i: %s',
    async index => {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [
          { name: 'crawlers', server: server.url, skipTLSVerify: true },
        ],
        users: [{ name: 'admin', token: 'sandbox-admin-token' }],
        contexts: [{ name: 'c', cluster: 'crawlers', user: 'admin' }],
        currentContext: 'c',
      });
      const action = createKubernetesCrawlerNamespaceApplyAction({
        clusters: {
          listClusterNames: () => ['crawlers'],
          getCluster: name => ({ name, kubeConfig: async () => kc }),
        },
      });
      const step = yaml.parse(examples[index as number].example).steps[0];
      expect(step.action).toBe(action.id);
      // The template engine fills secrets before the action runs; here a stand-in value.
      const input = JSON.parse(
        JSON.stringify(step.input).replace(
          '${{ secrets.registryToken }}',
          'token',
        ),
      );
      const ctx = actionContext({ input, workspacePath: '/tmp' });
      await action.handler(ctx as any);
      expect(outputsOf(ctx).state).toBe('created');
      expect(kube.exists('namespaces', undefined, input.namespace)).toBe(true);
    },
  );
});
