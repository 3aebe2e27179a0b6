/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

export interface Config {
  crawlers?: {
    /**
     * The platform admins of the portal's permission policy: entity refs of groups (a bare name is a group in the
     * default namespace) or single users. Their members, and only they, are granted `crawlers.unclaimed.read`, so they
     * alone find the Airflow DAGs no crawler entity claims in search (`search.collators.crawler.includeUnclaimed`).
     *
     * @default ["group:default/platform-admins"]
     */
    platformAdmins?: string[];
    /**
     * Who may use the crawler templates (`template:default/new-crawler`) besides the owners of the catalog's crawlers
     * and the platform admins: entity refs of groups (a bare name is a group in the default namespace) or users.
     * Everyone else does not see the template.
     *
     * @default []
     */
    crawlerCreators?: string[];
  };
  auth?: {
    providers?: {
      guest?: {
        /**
         * Example users a request may sign in as instead of the guest, by sending the header
         * `x-crawler-platform-user: <user entity ref>` (the portal's guest provider, development only like the guest).
         */
        sandboxUsers?: string[];
      };
    };
  };
}
