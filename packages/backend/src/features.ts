/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import appBackend from '@backstage/plugin-app-backend';
import authBackend from '@backstage/plugin-auth-backend';
import catalogBackend from '@backstage/plugin-catalog-backend';
import catalogLogs from '@backstage/plugin-catalog-backend-module-logs';
import catalogScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import mcpActionsBackend from '@backstage/plugin-mcp-actions-backend';
import permissionBackend from '@backstage/plugin-permission-backend';
import scaffolderBackend from '@backstage/plugin-scaffolder-backend';
import searchBackend from '@backstage/plugin-search-backend';
import searchCatalogCollator from '@backstage/plugin-search-backend-module-catalog';
import searchPostgresEngine from '@backstage/plugin-search-backend-module-pg';
import searchCrawlersCollator from '@crawler-platform/plugin-search-backend-module-crawlers';
import crawlersBackend from '@crawler-platform/plugin-crawlers-backend';
import scaffolderCrawlers, {
  codeCommitUrlReaderServiceFactory,
} from '@crawler-platform/plugin-scaffolder-backend-module-crawlers';
import { guestProviderModule } from './auth/guestProvider';
import crawlersPermissionPolicy from './permissions/module';

/**
 * The backend features of the Crawler Platform portal, in one list so that the
 * start-up test boots exactly what `make start` runs.
 */
export const features = [
  // Serves the built frontend in production.
  appBackend,
  // Sign-in: the guest provider for local use, which also lets a request sign in as one of the example users of
  // auth.providers.guest.sandboxUsers (see app-config.yaml and src/auth/guestProvider.ts).
  authBackend,
  guestProviderModule,
  // Software catalog, with the scaffolder's Template kind and error logging.
  catalogBackend,
  catalogScaffolderEntityModel,
  catalogLogs,
  // Software templates.
  scaffolderBackend,
  // The crawler actions: publish:codecommit, crawlers:dag:publish, crawlers:dag:validate, …
  scaffolderCrawlers,
  // Reads CodeCommit browse URLs (the new crawler's catalog-info.yaml for
  // catalog:register) through crawlers.aws's endpoint and credentials.
  codeCommitUrlReaderServiceFactory,
  // Permissions, with the portal's own policy (src/permissions).
  permissionBackend,
  crawlersPermissionPolicy,
  // Search: Lunr in memory by default; the PostgreSQL engine takes over when
  // the database is PostgreSQL (app-config.production.yaml).
  searchBackend,
  searchPostgresEngine,
  searchCatalogCollator,
  // One document per Airflow DAG of the crawlers (search.collators.crawler).
  searchCrawlersCollator,
  // Crawler Platform: Airflow data and actions for crawler entities.
  crawlersBackend,
  // AI tools: the actions of the plugins in backend.actions.pluginSources
  // (the crawlers plugin's status and diagnosis) as an MCP server at
  // /api/mcp-actions/v1.
  mcpActionsBackend,
];
