/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { gitSync, minutesAgo, pending } from '../../__testUtils__/fixtures';
import { renderCrawler } from '../../__testUtils__/render';
import { GitSyncSection } from './GitSyncSection';

const load = (value: ReturnType<typeof gitSync>) => ({
  api: { getGitSync: jest.fn(async () => value) },
});

describe('GitSyncSection', () => {
  it('should show an in-sync state with the synced commit linked to CodeCommit', async () => {
    await renderCrawler(<GitSyncSection />, load(gitSync()));
    const region = await screen.findByRole('region', { name: 'git-sync' });
    expect(
      await within(region).findByText('git-sync synced the head of main'),
    ).toBeInTheDocument();
    expect(within(region).getAllByText('in-sync').length).toBeGreaterThan(0);
    const [synced] = within(region).getAllByRole('link', { name: 'a1b2c3d' });
    expect(synced).toHaveAttribute(
      'href',
      'https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/airflow-dags/commit/a1b2c3d4e5f60718293a4b5c6d7e8f9012345678?region=eu-west-1',
    );
    expect(
      within(region).getByRole('link', { name: 'airflow-dags' }),
    ).toBeInTheDocument();
  });

  it('should show the sidecar readiness and restarts', async () => {
    await renderCrawler(<GitSyncSection />, load(gitSync()));
    expect(
      await screen.findByText('git-sync: ready, running, 0 restarts'),
    ).toBeInTheDocument();
  });

  it('should say since when git-sync is behind and which DAG files changed', async () => {
    await renderCrawler(
      <GitSyncSection />,
      load(
        gitSync({
          state: 'behind',
          reason: 'the branch moved past the synced commit',
          behind: {
            since: '2026-01-01T10:00:00Z',
            secondsPastPeriod: 600,
            commits: 2,
            dagFilesAffected: true,
            changedDagFiles: ['airflow2/news_crawler.py'],
          },
        }),
      ),
    );
    expect(await screen.findByText('behind')).toBeInTheDocument();
    expect(
      screen.getByText(
        /since 2026-01-01 10:00:00 UTC .*, 2 commits, 10 min longer than one sync period/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('changed: airflow2/news_crawler.py'),
    ).toBeInTheDocument();
  });

  it('should show a failing git-sync with its failCount and last error', async () => {
    await renderCrawler(
      <GitSyncSection />,
      load(
        gitSync({
          state: 'failing',
          reason: 'the last sync failed',
          failCount: 7,
          lastError: {
            message: 'fatal: could not read Username',
            at: minutesAgo(1),
          },
        }),
      ),
    );
    expect(await screen.findByText('failing')).toBeInTheDocument();
    expect(screen.getByText('failCount 7')).toBeInTheDocument();
    expect(
      screen.getByText('fatal: could not read Username'),
    ).toBeInTheDocument();
  });

  it('should explain a configuration trap', async () => {
    await renderCrawler(
      <GitSyncSection />,
      load(
        gitSync({
          traps: [
            {
              kind: 'branch-overrides-ref',
              message:
                'GIT_SYNC_BRANCH=old overrides GITSYNC_REF=main: remove it',
              pod: 'airflow2-scheduler-0',
            },
          ],
        }),
      ),
    );
    expect(
      await screen.findByText('GIT_SYNC_BRANCH overrides GITSYNC_REF'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/remove it \(pod airflow2-scheduler-0\)/),
    ).toBeInTheDocument();
  });

  it('should name the missing config when no git-sync pod is known', async () => {
    await renderCrawler(
      <GitSyncSection />,
      load(
        gitSync({
          state: 'unknown',
          reason: 'the instance airflow2 has no kubernetes settings',
          pods: [],
          syncedCommit: null,
          head: null,
          settings: null,
          errors: [
            {
              source: 'kubernetes:config',
              status: 400,
              message: 'add crawlers.airflow.instances[airflow2].kubernetes',
            },
          ],
        }),
      ),
    );
    expect(
      await screen.findByText('No git-sync pod found'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('crawlers.airflow.instances[].kubernetes'),
    ).toBeInTheDocument();
    expect(screen.getByText('kubernetes:config (400)')).toBeInTheDocument();
  });

  it('should show skeletons while loading', async () => {
    await renderCrawler(<GitSyncSection />, {
      api: { getGitSync: jest.fn(() => pending()) },
    });
    expect(await screen.findByText('Loading git-sync')).toBeInTheDocument();
  });

  it('should show one error panel with a retry when the request fails', async () => {
    const getGitSync = jest
      .fn()
      .mockRejectedValueOnce(new Error('backend unreachable'))
      .mockResolvedValue(gitSync());
    await renderCrawler(<GitSyncSection />, { api: { getGitSync } });
    expect(
      await screen.findByText('git-sync could not be loaded'),
    ).toBeInTheDocument();
    expect(screen.getByText('backend unreachable')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByText('git-sync synced the head of main'),
    ).toBeInTheDocument();
  });
});
