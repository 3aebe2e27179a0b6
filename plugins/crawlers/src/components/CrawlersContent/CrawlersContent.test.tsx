/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { screen, within } from '@testing-library/react';
import {
  airflowResponse,
  crawlerEntity,
  impostorReason,
  refusedAirflowResponse,
} from '../../__testUtils__/fixtures';
import { renderCrawler } from '../../__testUtils__/render';
import { CrawlersContent } from './CrawlersContent';

describe('CrawlersContent', () => {
  it('should show every section of a crawler', async () => {
    await renderCrawler(<CrawlersContent />);
    expect(
      await screen.findByRole('heading', { name: 'Runs of news_crawler' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'git-sync' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Fargate pods' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Import errors' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Diagnosis' }),
    ).toBeInTheDocument();
  });

  it('should show a refused DAG claim with its fix instead of the runs', async () => {
    const { api } = await renderCrawler(<CrawlersContent />, {
      api: { getAirflow: jest.fn(async () => refusedAirflowResponse()) },
    });
    const runs = await screen.findByRole('region', {
      name: 'Runs of news_crawler',
    });
    expect(
      within(runs).getByText('Claim refused: news_crawler'),
    ).toBeInTheDocument();
    expect(within(runs).getByText(impostorReason)).toBeInTheDocument();
    expect(api.listRuns).not.toHaveBeenCalled();
    expect(
      within(runs).queryByRole('button', { name: 'Trigger run' }),
    ).not.toBeInTheDocument();
  });

  it('should keep the other sections when the Airflow data fails', async () => {
    await renderCrawler(<CrawlersContent />, {
      api: {
        getAirflow: jest.fn(async () => {
          throw new Error('Airflow is down');
        }),
      },
    });
    expect(
      await screen.findByText("The crawler's DAGs could not be loaded"),
    ).toBeInTheDocument();
    const gitSync = await screen.findByRole('region', { name: 'git-sync' });
    expect(
      await within(gitSync).findByText('git-sync synced the head of main'),
    ).toBeInTheDocument();
    const pods = screen.getByRole('region', { name: 'Fargate pods' });
    expect(
      await within(pods).findByText('news-crawler-crawl-abc'),
    ).toBeInTheDocument();
    const diagnosis = screen.getByRole('region', { name: 'Diagnosis' });
    expect(
      await within(diagnosis).findByText('No known failure found'),
    ).toBeInTheDocument();
  });

  it('should say what makes an entity a crawler when it is none', async () => {
    await renderCrawler(<CrawlersContent />, {
      entity: { ...crawlerEntity, spec: { type: 'service' } },
    });
    expect(
      await screen.findByText('This entity is not a crawler'),
    ).toBeInTheDocument();
  });

  it('should name the instance it reads', async () => {
    await renderCrawler(<CrawlersContent />, {
      api: { getAirflow: jest.fn(async () => airflowResponse()) },
    });
    expect(
      await screen.findByText(/Airflow instance airflow2 \(API v1\)/),
    ).toBeInTheDocument();
  });
});
