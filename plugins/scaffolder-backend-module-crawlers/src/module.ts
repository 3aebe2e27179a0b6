/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { crawlersClusterServiceRef } from '@crawler-platform/plugin-crawlers-node';
import { createCrawlersDagPublishAction } from './actions/crawlersDagPublish';
import { createCrawlersDagValidateAction } from './actions/crawlersDagValidate';
import { createPublishCodeCommitAction } from './actions/publishCodeCommit';
import { createAwsEcrRepositoryCreateAction } from './actions/createEcrRepository';
import { createAwsCodeBuildProjectCreateAction } from './actions/createCodeBuildProject';
import { createKubernetesCrawlerNamespaceApplyAction } from './actions/applyCrawlerNamespace';
import { createAwsEksFargateProfileCreateAction } from './actions/createFargateProfile';
import { createKubernetesGitSyncSecretApplyAction } from './actions/applyGitSyncSecret';
import { createCrawlersOwnershipCheckAction } from './actions/crawlersOwnershipCheck';
import {
  createCrawlersScaffolderDeps,
  CrawlersScaffolderDeps,
} from './lib/deps';

/**
 * Every action of the module: a factory taking the shared {@link CrawlersScaffolderDeps}. Adding an action is one
 * line here (and its export in index.ts).
 */
const actionFactories: Array<
  (deps: CrawlersScaffolderDeps) => TemplateAction<any, any, any>
> = [
  createPublishCodeCommitAction,
  createCrawlersDagPublishAction,
  createCrawlersDagValidateAction,
  createAwsEcrRepositoryCreateAction,
  createAwsCodeBuildProjectCreateAction,
  createKubernetesCrawlerNamespaceApplyAction,
  createAwsEksFargateProfileCreateAction,
  createKubernetesGitSyncSecretApplyAction,
];

/**
 * Scaffolder module of the Crawler Platform: registers the crawler actions (`publish:codecommit`,
 * `crawlers:dag:publish`, `crawlers:dag:validate`, …) with dependencies built once — config, the backend's AWS
 * credentials and the crawlers cluster clients.
 *
 * @public
 */
export const scaffolderModuleCrawlers = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'crawlers',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        clusters: crawlersClusterServiceRef,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
      },
      async init({ scaffolder, config, logger, clusters, catalog, auth }) {
        const deps = createCrawlersScaffolderDeps({ config, logger, clusters });
        const actions = actionFactories.map(create => create(deps));
        // The ownership check dry-runs the others before a template writes anything.
        scaffolder.addActions(
          ...actions,
          createCrawlersOwnershipCheckAction({
            actions,
            catalogOwner: async entityRef => {
              const entity = await catalog.getEntityByRef(entityRef, {
                credentials: await auth.getOwnServiceCredentials(),
              });
              return entity
                ? String(entity.spec?.owner ?? 'an unknown owner')
                : undefined;
            },
          }),
        );
      },
    });
  },
});
