/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { CrawlersPermissionPolicy } from './CrawlersPermissionPolicy';
import { catalogCrawlerOwners } from './crawlerTemplateAccess';

/** Installs {@link CrawlersPermissionPolicy} as the permission backend's policy. */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'crawlers-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        userInfo: coreServices.userInfo,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
      },
      async init({ policy, userInfo, config, catalog, auth }) {
        policy.setPolicy(
          CrawlersPermissionPolicy.fromConfig(config, {
            userInfo,
            // The owners of the catalog's crawlers may use the crawler templates.
            crawlerOwners: catalogCrawlerOwners({ catalog, auth }),
          }),
        );
      },
    });
  },
});
