/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

/** The request header a browser sends to sign in as one of `auth.providers.guest.sandboxUsers`. */
export const SANDBOX_USER_HEADER = 'x-crawler-platform-user';

/** The guest provider's settings: the default user and the users a request may pick instead. */
interface GuestSettings {
  /** False outside development unless `dangerouslyAllowOutsideDevelopment` is set, as Backstage's guest provider. */
  enabled: boolean;
  userEntityRef: string;
  sandboxUsers: string[];
}

function readGuestSettings(config: Config): GuestSettings {
  const userRef = (value: string, key: string) => {
    try {
      return stringifyEntityRef(
        parseEntityRef(value, {
          defaultKind: 'user',
          defaultNamespace: 'default',
        }),
      );
    } catch (error) {
      throw new InputError(
        `auth.providers.guest.${key} "${value}" is not an entity ref: write user:default/<name> (${error})`,
      );
    }
  };
  return {
    enabled:
      process.env.NODE_ENV === 'development' ||
      config.getOptionalBoolean('dangerouslyAllowOutsideDevelopment') === true,
    userEntityRef: userRef(
      config.getOptionalString('userEntityRef') ?? 'user:default/guest',
      'userEntityRef',
    ),
    sandboxUsers: (config.getOptionalStringArray('sandboxUsers') ?? []).map(
      (u, i) => userRef(u, `sandboxUsers[${i}]`),
    ),
  };
}

/**
 * Backstage's guest sign-in, plus the local portal's other example users: a request that sends
 * `x-crawler-platform-user: user:default/alex` signs in as that user when `auth.providers.guest.sandboxUsers` lists
 * it (the browser tests use it to act as a member of another team); without the header, as the guest. Like the guest
 * provider, it refuses to work outside development unless `dangerouslyAllowOutsideDevelopment` is set.
 */
const guestAuthenticator = createProxyAuthenticator<
  GuestSettings,
  { userEntityRef: string; isDefault: boolean },
  undefined
>({
  defaultProfileTransform: async () => ({ profile: {} }),
  initialize: ({ config }) => readGuestSettings(config),
  async authenticate({ req }, settings) {
    if (!settings.enabled) {
      throw new NotAllowedError(
        'The guest provider cannot be used outside of a development environment unless auth.providers.guest.dangerouslyAllowOutsideDevelopment is enabled',
      );
    }
    const asked = req.get(SANDBOX_USER_HEADER);
    if (asked === undefined || asked === '') {
      return {
        result: { userEntityRef: settings.userEntityRef, isDefault: true },
      };
    }
    const wanted = settings.sandboxUsers.find(
      ref =>
        ref.toLocaleLowerCase('en-US') === asked.toLocaleLowerCase('en-US'),
    );
    if (!wanted) {
      throw new NotAllowedError(
        `${SANDBOX_USER_HEADER} names a user that auth.providers.guest.sandboxUsers does not list; add it there to sign in as it`,
      );
    }
    return { result: { userEntityRef: wanted, isDefault: false } };
  },
});

/** The portal's guest provider (replaces `@backstage/plugin-auth-backend-module-guest-provider`). */
export const guestProviderModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'crawler-platform-guest-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'guest',
          factory: createProxyAuthProviderFactory({
            authenticator: guestAuthenticator,
            async signInResolver({ result }, ctx) {
              try {
                return await ctx.signInWithCatalogUser({
                  entityRef: result.userEntityRef,
                });
              } catch (error) {
                // As Backstage's guest provider: the guest may sign in before the catalog has its entity.
                if (!result.isDefault) {
                  throw error;
                }
                return ctx.issueToken({
                  claims: {
                    sub: result.userEntityRef,
                    ent: [result.userEntityRef],
                  },
                });
              }
            },
          }),
        });
      },
    });
  },
});
