/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { pending, pod, podsResponse } from '../../__testUtils__/fixtures';
import { renderCrawler } from '../../__testUtils__/render';
import { PodsSection } from './PodsSection';

const pods = [
  pod(),
  pod({
    name: 'news-crawler-crawl-failed',
    phase: 'Failed',
    status: 'Error',
    problem: true,
    problemReason: 'container base exited with 1',
  }),
  pod({
    name: 'news-crawler-crawl-running',
    phase: 'Running',
    status: 'Running',
    ageSeconds: 90,
  }),
  pod({
    name: 'news-crawler-worker-1',
    namespace: 'airflow',
    kind: 'worker',
    phase: 'Succeeded',
    capacityProvisioned: null,
    fargateProfile: null,
  }),
];

describe('PodsSection', () => {
  it('should list pods with phase, reason, age and CapacityProvisioned', async () => {
    await renderCrawler(<PodsSection />, {
      api: { listPods: jest.fn(async () => podsResponse(pods)) },
    });
    const row = (await screen.findByText('news-crawler-crawl-running')).closest(
      '[role="row"]',
    ) as HTMLElement;
    expect(
      within(row).getByText('Running', { selector: '.bui-Badge' }),
    ).toBeInTheDocument();
    expect(within(row).getByText('1 min 30 s')).toBeInTheDocument();
    expect(within(row).getByText('0.25vCPU 0.5GB')).toBeInTheDocument();
    const worker = screen
      .getByText('news-crawler-worker-1')
      .closest('[role="row"]') as HTMLElement;
    expect(within(worker).getByText('not on Fargate')).toBeInTheDocument();
  });

  it('should highlight the rows of pods with a problem and show the reason', async () => {
    await renderCrawler(<PodsSection />, {
      api: { listPods: jest.fn(async () => podsResponse(pods)) },
    });
    const row = (await screen.findByText('news-crawler-crawl-failed')).closest(
      '[role="row"]',
    ) as HTMLElement;
    expect(row).toHaveAttribute('data-problem', 'true');
    expect(
      within(row).getByText('container base exited with 1'),
    ).toBeInTheDocument();
    const healthy = screen
      .getByText('news-crawler-crawl-abc')
      .closest('[role="row"]') as HTMLElement;
    expect(healthy).not.toHaveAttribute('data-problem');
  });

  it('should show a pod’s events in a dialog', async () => {
    await renderCrawler(<PodsSection />, {
      api: { listPods: jest.fn(async () => podsResponse([pod()])) },
    });
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Show the 1 events of news-crawler-crawl-abc',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByRole('heading', {
        name: 'Events of news-crawler-crawl-abc',
      }),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('Scheduled')).toBeInTheDocument();
    expect(within(dialog).getByText('fargate-scheduler')).toBeInTheDocument();
  });

  it('should confirm the cleanup with the finished operator pods only, then delete and reload', async () => {
    const listPods = jest.fn(async () => podsResponse(pods));
    const cleanupPods = jest.fn(async () => ({
      entityRef: 'component:default/news-crawler',
      namespace: 'crawler-news',
      deleted: [
        {
          name: 'news-crawler-crawl-abc',
          namespace: 'crawler-news',
          phase: 'Succeeded',
          dagId: 'news_crawler',
          taskId: 'crawl',
          runId: null,
        },
        {
          name: 'news-crawler-crawl-failed',
          namespace: 'crawler-news',
          phase: 'Failed',
          dagId: 'news_crawler',
          taskId: 'crawl',
          runId: null,
        },
      ],
      keptRunning: 1,
      errors: [],
    }));
    const { alertApi } = await renderCrawler(<PodsSection />, {
      api: { listPods, cleanupPods },
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Clean up finished pods (2)' }),
    );
    const dialog = await screen.findByRole('dialog');
    const list = within(dialog).getByRole('list', { name: 'Pods to delete' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map(i => i.textContent)).toEqual([
      'crawler-news/news-crawler-crawl-abc (Succeeded, news_crawler.crawl)',
      'crawler-news/news-crawler-crawl-failed (Failed, news_crawler.crawl)',
    ]);
    expect(cleanupPods).not.toHaveBeenCalled();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Delete 2 pods' }),
    );
    await waitFor(() => expect(cleanupPods).toHaveBeenCalledTimes(1));
    expect(alertApi.getAlerts()).toContainEqual(
      expect.objectContaining({
        severity: 'success',
        message: 'Deleted 2 finished pods in crawler-news; 1 still running',
      }),
    );
    await waitFor(() => expect(listPods).toHaveBeenCalledTimes(2));
  });

  it('should not send the cleanup when it is cancelled', async () => {
    const { api } = await renderCrawler(<PodsSection />, {
      api: { listPods: jest.fn(async () => podsResponse(pods)) },
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Clean up finished pods (2)' }),
    );
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Cancel',
      }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.cleanupPods).not.toHaveBeenCalled();
  });

  it('should hide the cleanup and explain why when the permission denies it', async () => {
    await renderCrawler(<PodsSection />, {
      api: { listPods: jest.fn(async () => podsResponse(pods)) },
      permission: AuthorizeResult.DENY,
    });
    expect(
      await screen.findByRole('button', {
        name: /not allowed to clean up the pods of this crawler \(crawlers.pod.delete/,
      }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Clean up finished pods/ }),
    ).toBeNull();
  });

  it('should show a refused namespace claim with the YAML that fixes it', async () => {
    await renderCrawler(<PodsSection />, {
      api: {
        listPods: jest.fn(async () =>
          podsResponse([], {
            namespaceClaim: {
              namespace: 'crawler-news',
              holds: false,
              reason:
                'The Namespace crawler-news names component:default/news-crawler, not this entity. Add:\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: crawler-news',
            },
          }),
        ),
      },
    });
    expect(
      await screen.findByText('Claim refused: namespace crawler-news'),
    ).toBeInTheDocument();
    expect(screen.getByText(/kind: Namespace/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Clean up/ })).toBeNull();
  });

  it('should name the annotation when the crawler has no namespace', async () => {
    await renderCrawler(<PodsSection />, {
      api: {
        listPods: jest.fn(async () =>
          podsResponse([], {
            namespaces: { crawler: null, airflow: 'airflow' },
            namespaceClaim: null,
          }),
        ),
      },
    });
    expect(await screen.findByText('No crawler namespace')).toBeInTheDocument();
    expect(
      screen.getByText('backstage.io/kubernetes-namespace'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No pods of this crawler right now'),
    ).toBeInTheDocument();
  });

  it('should show the section error of a cluster that refuses the list', async () => {
    await renderCrawler(<PodsSection />, {
      api: {
        listPods: jest.fn(async () =>
          podsResponse([], {
            errors: [
              {
                source: 'pods:airflow',
                status: 403,
                message:
                  'pods is forbidden: User "crawlers" cannot list resource "pods"',
              },
            ],
          }),
        ),
      },
    });
    expect(await screen.findByText('pods:airflow (403)')).toBeInTheDocument();
  });

  it('should show skeletons while loading and one error panel on failure', async () => {
    const { rendered } = await renderCrawler(<PodsSection />, {
      api: { listPods: jest.fn(() => pending()) },
    });
    expect(await screen.findByText('Loading pods')).toBeInTheDocument();
    rendered.unmount();
    await renderCrawler(<PodsSection />, {
      api: {
        listPods: jest.fn(async () => {
          throw new Error('backend unreachable');
        }),
      },
    });
    expect(
      await screen.findByText('Pods could not be loaded'),
    ).toBeInTheDocument();
  });
});
