/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleCrawlers } from './module';

function start(data: Record<string, any> = {}) {
  const extensionPoint = { addActions: jest.fn() };
  const backend = startTestBackend({
    extensionPoints: [[scaffolderActionsExtensionPoint, extensionPoint]],
    features: [
      scaffolderModuleCrawlers,
      mockServices.rootConfig.factory({ data }),
    ],
  });
  return { backend, extensionPoint };
}

describe('scaffolderModuleCrawlers', () => {
  it('should register the crawler actions once each', async () => {
    const { backend, extensionPoint } = start();
    await backend;
    expect(extensionPoint.addActions).toHaveBeenCalledTimes(1);
    const ids = extensionPoint.addActions.mock.calls[0].map(
      (a: { id: string }) => a.id,
    );
    expect(ids).toEqual(
      expect.arrayContaining([
        'publish:codecommit',
        'crawlers:dag:publish',
        'crawlers:dag:validate',
      ]),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('should document every input and output of its actions', async () => {
    const { backend, extensionPoint } = start();
    await backend;
    for (const action of extensionPoint.addActions.mock.calls[0]) {
      for (const schema of [action.schema.input, action.schema.output]) {
        for (const [name, property] of Object.entries<any>(schema.properties)) {
          expect([action.id, name, typeof property.description]).toEqual([
            action.id,
            name,
            'string',
          ]);
        }
      }
      expect(action.supportsDryRun).toBe(true);
      expect(action.examples.length).toBeGreaterThan(0);
    }
  });

  it('should fail at start-up on a bad crawlers.scaffolder value', async () => {
    const { backend } = start({
      crawlers: { scaffolder: { dagRepository: { publishMode: 'push' } } },
    });
    await expect(backend).rejects.toThrow(
      /crawlers\.scaffolder\.dagRepository\.publishMode must be "commit" or "pullRequest", got "push"/,
    );
  });
});
