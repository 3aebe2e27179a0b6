/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { CrawlersOverviewResponse } from '@crawler-platform/plugin-crawlers-common';
import { screen, within } from '@testing-library/react';
import {
  gitSync,
  importErrorFinding,
  impostorReason,
  minutesAgo,
  overview,
  pending,
  podsLogFinding,
  run,
} from '../../__testUtils__/fixtures';
import { renderCrawler } from '../../__testUtils__/render';
import { rootRouteRef } from '../../routes';
import { CrawlersOverviewCard } from './CrawlersOverviewCard';

describe('CrawlersOverviewCard', () => {
  it('should show the one-line health: latest run, next run, git-sync, pods', async () => {
    await renderCrawler(<CrawlersOverviewCard />);
    const health = await screen.findByTestId('crawler-health');
    expect(within(health).getByText('success')).toBeInTheDocument();
    expect(within(health).getByText('1 h ago')).toBeInTheDocument();
    expect(within(health).getByText(/^in (29|30) min$/)).toBeInTheDocument();
    expect(within(health).getByText('in-sync')).toBeInTheDocument();
    expect(within(health).getByText('1 ok')).toBeInTheDocument();
  });

  it('should link to the Airflow UI, the CodeCommit repository and the namespace', async () => {
    await renderCrawler(<CrawlersOverviewCard />);
    expect(
      await screen.findByRole('link', { name: /Airflow UI/ }),
    ).toHaveAttribute(
      'href',
      'http://airflow.example.com/dags/news_crawler/grid',
    );
    expect(
      await screen.findByRole('link', {
        name: /CodeCommit repository airflow-dags/,
      }),
    ).toHaveAttribute(
      'href',
      'https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/airflow-dags/browse?region=eu-west-1',
    );
    expect(screen.getByText('Namespace crawler-news')).toBeInTheDocument();
  });

  it('should count pod problems and name them', async () => {
    await renderCrawler(<CrawlersOverviewCard />, {
      api: {
        getOverview: jest.fn(async () =>
          overview({
            pods: {
              data: {
                total: 2,
                byPhase: { Pending: 1, Succeeded: 1 },
                problems: [
                  {
                    name: 'news-crawler-crawl-x',
                    namespace: 'crawler-news',
                    kind: 'operator',
                    dagId: 'news_crawler',
                    reason: 'ImagePullBackOff: base',
                  },
                ],
                finishedOperatorPods: 1,
              },
              fetchedAt: minutesAgo(0),
              stale: false,
              errors: [],
            },
          }),
        ),
      },
    });
    expect(await screen.findByText('1 problem')).toBeInTheDocument();
    expect(
      screen.getByText('news-crawler-crawl-x: ImagePullBackOff: base'),
    ).toBeInTheDocument();
  });

  it('should show a git-sync that is behind with since when', async () => {
    await renderCrawler(<CrawlersOverviewCard />, {
      api: {
        getOverview: jest.fn(async () =>
          overview({
            gitSync: {
              data: {
                state: 'behind',
                reason: 'behind',
                syncedCommit: 'a',
                headCommit: 'b',
                behind: {
                  since: minutesAgo(12),
                  secondsPastPeriod: 600,
                  commits: 1,
                  dagFilesAffected: true,
                  changedDagFiles: [],
                },
                failCount: null,
                traps: [],
              },
              fetchedAt: null,
              stale: false,
              errors: [],
            },
          }),
        ),
      },
    });
    expect(await screen.findByText('behind')).toBeInTheDocument();
    expect(screen.getByText('since 12 min ago')).toBeInTheDocument();
  });

  it('should show a refused claim with its fix', async () => {
    await renderCrawler(<CrawlersOverviewCard />, {
      api: {
        getOverview: jest.fn(async () =>
          overview({
            dags: {
              data: [
                {
                  dagId: 'news_crawler',
                  claimHolds: false,
                  isPaused: null,
                  latestRun: null,
                  nextRunAfter: null,
                  nextRunLogicalDate: null,
                },
              ],
              fetchedAt: null,
              stale: false,
              errors: [
                {
                  source: 'claim:news_crawler',
                  status: 403,
                  message: impostorReason,
                },
              ],
            },
          }),
        ),
      },
    });
    expect(
      await screen.findByText('Claim refused: news_crawler'),
    ).toBeInTheDocument();
    expect(screen.getByText(impostorReason)).toBeInTheDocument();
    expect(screen.getByText('no runs yet')).toBeInTheDocument();
  });

  it('should show a section error without hiding the other sections', async () => {
    await renderCrawler(<CrawlersOverviewCard />, {
      api: {
        getOverview: jest.fn(async () =>
          overview({
            pods: {
              data: null,
              fetchedAt: null,
              stale: false,
              errors: [
                {
                  source: 'kubernetes:config',
                  status: 400,
                  message:
                    'add crawlers.airflow.instances[airflow2].kubernetes',
                },
              ],
            },
          }),
        ),
        getGitSync: jest.fn(async () => gitSync()),
      },
    });
    expect(
      await screen.findByText('Pods: kubernetes:config (400)'),
    ).toBeInTheDocument();
    const health = screen.getByTestId('crawler-health');
    expect(within(health).getByText('in-sync')).toBeInTheDocument();
    expect(within(health).getByText(run(1).state)).toBeInTheDocument();
  });

  it('should show skeletons while loading and one error panel on failure', async () => {
    const { rendered } = await renderCrawler(<CrawlersOverviewCard />, {
      api: { getOverview: jest.fn(() => pending()) },
    });
    expect(
      await screen.findByText("Loading the crawler's health"),
    ).toBeInTheDocument();
    rendered.unmount();
    await renderCrawler(<CrawlersOverviewCard />, {
      api: {
        getOverview: jest.fn(async () => {
          throw new Error('backend unreachable');
        }),
      },
    });
    expect(
      await screen.findByText("The crawler's health could not be loaded"),
    ).toBeInTheDocument();
  });

  describe('diagnosis', () => {
    const withDiagnosis = (
      diagnosis: CrawlersOverviewResponse['diagnosis'],
    ) => ({
      api: { getOverview: jest.fn(async () => overview({ diagnosis })) },
      mountedRoutes: { '/crawler': rootRouteRef },
    });
    const section = <T,>(data: T) => ({
      data,
      fetchedAt: minutesAgo(0),
      stale: false,
      errors: [],
    });

    it('should show the number of findings, linked to the Diagnosis section of the tab', async () => {
      await renderCrawler(
        <CrawlersOverviewCard />,
        withDiagnosis(
          section({
            counts: { error: 2, warning: 0, info: 0 },
            top: [podsLogFinding(), importErrorFinding()],
            unknownChecks: [],
          }),
        ),
      );
      const health = await screen.findByTestId('crawler-health');
      expect(
        within(health).getByRole('link', { name: '2 findings' }),
      ).toHaveAttribute('href', '/crawler#diagnosis');
    });

    it('should count one finding in the singular', async () => {
      await renderCrawler(
        <CrawlersOverviewCard />,
        withDiagnosis(
          section({
            counts: { error: 0, warning: 1, info: 0 },
            top: [podsLogFinding({ severity: 'warning' })],
            unknownChecks: [],
          }),
        ),
      );
      const health = await screen.findByTestId('crawler-health');
      expect(within(health).getByText('1 finding')).toBeInTheDocument();
    });

    it('should say when no known failure was found, and how many checks could not run', async () => {
      await renderCrawler(
        <CrawlersOverviewCard />,
        withDiagnosis(
          section({
            counts: { error: 0, warning: 0, info: 0 },
            top: [],
            unknownChecks: ['no-nat-egress'],
          }),
        ),
      );
      const health = await screen.findByTestId('crawler-health');
      expect(
        within(health).getByRole('link', { name: 'No known failures' }),
      ).toHaveAttribute('href', '/crawler#diagnosis');
      expect(
        within(health).getByText('(1 of the checks could not run)'),
      ).toBeInTheDocument();
    });

    it('should show the error of a diagnosis that failed', async () => {
      await renderCrawler(
        <CrawlersOverviewCard />,
        withDiagnosis({
          data: null,
          fetchedAt: null,
          stale: false,
          errors: [
            { source: 'diagnosis', status: 500, message: 'checks crashed' },
          ],
        }),
      );
      const health = await screen.findByTestId('crawler-health');
      expect(within(health).getByText('Diagnosis')).toBeInTheDocument();
      expect(within(health).getAllByText('unknown').length).toBeGreaterThan(0);
      expect(
        screen.getByText('Diagnosis: diagnosis (500)'),
      ).toBeInTheDocument();
    });

    it('should leave the diagnosis out for a backend without it', async () => {
      await renderCrawler(<CrawlersOverviewCard />);
      const health = await screen.findByTestId('crawler-health');
      expect(within(health).queryByText('Diagnosis')).not.toBeInTheDocument();
    });
  });
});
