/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  Link,
  Sidebar,
  sidebarConfig,
  SidebarDivider,
  SidebarGroup,
  SidebarItem,
  SidebarScrollWrapper,
  SidebarSpace,
} from '@backstage/core-components';
import { NavContentBlueprint } from '@backstage/plugin-app-react';
import { CrawlerSearchResultListItem } from '@crawler-platform/plugin-crawlers';
import { SidebarSearchModal } from '@backstage/plugin-search';
import { UserSettingsSignInAvatar } from '@backstage/plugin-user-settings';
import MenuIcon from '@material-ui/icons/Menu';
import SearchIcon from '@material-ui/icons/Search';
import BugReportIcon from '@material-ui/icons/BugReport';

const SidebarLogo = () => (
  <Link
    to="/"
    underline="none"
    // the visible text is part of the accessible name (WCAG 2.5.3)
    aria-label="Crawler Platform home"
    style={{
      display: 'flex',
      alignItems: 'center',
      gap: 8,
      height: 3 * sidebarConfig.logoHeight,
      marginLeft: 24,
      // the sidebar is dark in both themes: light text keeps the contrast (WCAG 1.4.3)
      color: '#ffffff',
      fontWeight: 700,
    }}
  >
    <BugReportIcon />
    Crawler Platform
  </Link>
);

/** Sidebar: search, catalog, create, then whatever else plugins add. */
export const SidebarContent = NavContentBlueprint.make({
  params: {
    component: ({ navItems }) => {
      const nav = navItems.withComponent(item => (
        <SidebarItem icon={() => item.icon} to={item.href} text={item.title} />
      ));
      // The search page is reached through the search modal below.
      nav.take('page:search');

      return (
        <Sidebar>
          <SidebarLogo />
          <SidebarGroup label="Search" icon={<SearchIcon />} to="/search">
            {/* crawler results render as on the search page; the rest by default */}
            <SidebarSearchModal
              resultItemComponents={
                <CrawlerSearchResultListItem icon={<BugReportIcon />} />
              }
            />
          </SidebarGroup>
          <SidebarDivider />
          <SidebarGroup label="Menu" icon={<MenuIcon />}>
            {nav.take('page:catalog')}
            {nav.take('page:scaffolder')}
            <SidebarDivider />
            <SidebarScrollWrapper>
              {nav.rest({ sortBy: 'title' })}
            </SidebarScrollWrapper>
          </SidebarGroup>
          <SidebarSpace />
          <SidebarDivider />
          <SidebarGroup
            label="Settings"
            icon={<UserSettingsSignInAvatar />}
            to="/settings"
          >
            {nav.take('page:user-settings')}
          </SidebarGroup>
        </Sidebar>
      );
    },
  },
});
