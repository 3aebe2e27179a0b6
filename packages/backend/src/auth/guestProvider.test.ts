/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import request from 'supertest';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import authBackend from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { guestProviderModule, SANDBOX_USER_HEADER } from './guestProvider';

const user = (name: string, group: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { memberOf: [group] },
  relations: [{ type: 'memberOf', targetRef: `group:default/${group}` }],
});

async function startAuth(guest: {
  [key: string]: string | boolean | string[];
}) {
  const backend = await startTestBackend({
    features: [
      authBackend,
      guestProviderModule,
      catalogServiceMock.factory({
        entities: [
          user('guest', 'crawler-team'),
          user('alex', 'data-analysts'),
        ],
      }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          auth: {
            session: { secret: 'test-session-secret' },
            providers: { guest },
          },
        },
      }),
    ],
  });
  /** The identity the refresh endpoint signs in, as the frontend's guest sign-in asks for it. */
  const refresh = (headers: Record<string, string> = {}) =>
    request(backend.server)
      .get('/api/auth/guest/refresh?env=development')
      .set('x-requested-with', 'XMLHttpRequest')
      .set(headers);
  return { refresh, stop: () => backend.stop() };
}

const identity = (res: request.Response) =>
  res.body.backstageIdentity.identity as {
    userEntityRef: string;
    ownershipEntityRefs: string[];
  };

describe('the portal guest provider', () => {
  const allowed = {
    userEntityRef: 'user:default/guest',
    dangerouslyAllowOutsideDevelopment: true,
    sandboxUsers: ['user:default/alex'],
  };

  it('should sign in the guest, with its groups from the catalog, when no user is asked for', async () => {
    const { refresh, stop } = await startAuth(allowed);
    try {
      const res = await refresh();
      expect(res.status).toBe(200);
      expect(identity(res)).toEqual({
        type: 'user',
        userEntityRef: 'user:default/guest',
        ownershipEntityRefs: [
          'user:default/guest',
          'group:default/crawler-team',
        ],
      });
    } finally {
      await stop();
    }
  });

  it('should sign in a listed sandbox user named by the header, with that user’s own groups', async () => {
    const { refresh, stop } = await startAuth(allowed);
    try {
      const res = await refresh({ [SANDBOX_USER_HEADER]: 'user:default/Alex' });
      expect(res.status).toBe(200);
      expect(identity(res).userEntityRef).toBe('user:default/alex');
      expect(identity(res).ownershipEntityRefs).toContain(
        'group:default/data-analysts',
      );
      expect(identity(res).ownershipEntityRefs).not.toContain(
        'group:default/crawler-team',
      );
    } finally {
      await stop();
    }
  });

  it('should refuse a user the config does not list, naming the key to add it to', async () => {
    const { refresh, stop } = await startAuth(allowed);
    try {
      const res = await refresh({ [SANDBOX_USER_HEADER]: 'user:default/root' });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain(
        'auth.providers.guest.sandboxUsers',
      );
    } finally {
      await stop();
    }
  });

  it('should refuse every sign-in outside development unless dangerouslyAllowOutsideDevelopment is set', async () => {
    const { refresh, stop } = await startAuth({
      userEntityRef: 'user:default/guest',
      sandboxUsers: ['user:default/alex'],
    });
    try {
      expect((await refresh()).status).toBe(403);
      expect(
        (await refresh({ [SANDBOX_USER_HEADER]: 'user:default/alex' })).status,
      ).toBe(403);
    } finally {
      await stop();
    }
  });
});
