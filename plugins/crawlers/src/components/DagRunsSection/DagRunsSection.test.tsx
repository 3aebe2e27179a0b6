/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  airflowResponse,
  dag,
  entityRef,
  pending,
  run,
  runsPage,
  taskInstances,
} from '../../__testUtils__/fixtures';
import { renderCrawler } from '../../__testUtils__/render';
import type { CrawlersApi } from '../../api';
import { DagRunsSection } from './DagRunsSection';

async function section(
  options: {
    api?: Partial<CrawlersApi>;
    summary?: Parameters<typeof DagRunsSection>[0]['summary'];
  } = {},
) {
  const onChanged = jest.fn();
  const summary = options.summary ?? airflowResponse().dags[0];
  const rendered = await renderCrawler(
    <DagRunsSection
      entityRef={entityRef}
      entityRefString="component:default/news-crawler"
      instance={airflowResponse().instance}
      summary={summary}
      onChanged={onChanged}
    />,
    { api: options.api },
  );
  return { onChanged, ...rendered };
}

async function runsRegion() {
  return screen.findByRole('region', { name: 'Run list of news_crawler' });
}

describe('DagRunsSection', () => {
  it('should list runs with state badge, type, duration and trigger', async () => {
    await section();
    const table = await screen.findByRole('grid');
    const rows = await within(table).findAllByRole('row');
    // header + 2 runs
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getByText('success')).toBeInTheDocument();
    expect(within(rows[1]).getByText('scheduled')).toBeInTheDocument();
    expect(within(rows[1]).getByText('1 min 1 s')).toBeInTheDocument();
    expect(within(rows[1]).getAllByText('timetable').length).toBeGreaterThan(0);
    expect(within(rows[2]).getByText('failed')).toBeInTheDocument();
  });

  it('should link each run to the Airflow UI', async () => {
    await section();
    const link = await screen.findByRole('link', { name: run(1).runId });
    expect(link).toHaveAttribute(
      'href',
      `http://airflow.example.com/dags/news_crawler/grid?dag_run_id=${encodeURIComponent(
        run(1).runId,
      )}`,
    );
  });

  it('should draw the duration chart from a page of 50 runs', async () => {
    const { api } = await section();
    expect(await screen.findByTestId('run-duration-chart')).toBeInTheDocument();
    expect(api.listRuns).toHaveBeenCalledWith(
      expect.objectContaining({ limit: 50, offset: 0 }),
    );
  });

  it('should show skeletons while the runs load', async () => {
    await section({ api: { listRuns: jest.fn(() => pending()) } });
    const region = await runsRegion();
    expect(within(region).queryByText('success')).not.toBeInTheDocument();
    expect(
      screen.getByText('Loading the run chart of news_crawler'),
    ).toBeInTheDocument();
  });

  it('should say how the first run comes when there is none', async () => {
    await section({ api: { listRuns: jest.fn(async () => runsPage([])) } });
    expect(
      await screen.findByText('No runs of news_crawler yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/The next scheduled run is created in/),
    ).toBeInTheDocument();
  });

  it('should show one error panel with a retry when the runs fail', async () => {
    let fail = true;
    const listRuns = jest.fn(async () => {
      if (fail) throw new Error('Airflow answered 502');
      return runsPage([run(1)]);
    });
    await section({ api: { listRuns } });
    expect(
      await screen.findByText('Runs of news_crawler could not be loaded'),
    ).toBeInTheDocument();
    fail = false;
    await userEvent.click(
      within(
        screen
          .getByText('Runs of news_crawler could not be loaded')
          .closest('.bui-Alert') as HTMLElement,
      ).getByRole('button', { name: 'Retry' }),
    );
    const table = await screen.findByRole('grid');
    expect(await within(table).findByText('success')).toBeInTheDocument();
  });

  it('should page with the backend page sizes', async () => {
    const runs = Array.from({ length: 10 }, (_, i) => run(i + 1));
    const listRuns = jest.fn(async () => runsPage(runs, { totalEntries: 35 }));
    await section({ api: { listRuns } });
    await screen.findByRole('grid');
    await userEvent.click(
      screen.getByRole('button', { name: 'Next table page' }),
    );
    await waitFor(() =>
      expect(listRuns).toHaveBeenCalledWith(
        expect.objectContaining({ limit: 10, offset: 10 }),
      ),
    );
  });

  it('should filter runs by state', async () => {
    const { api } = await section();
    await screen.findByRole('grid');
    await userEvent.click(screen.getByRole('button', { name: /State/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'failed' }),
    );
    await waitFor(() =>
      expect(api.listRuns).toHaveBeenCalledWith(
        expect.objectContaining({ states: ['failed'], offset: 0 }),
      ),
    );
  });

  it('should show the task instances of an expanded run and open a try log', async () => {
    const { api } = await section({
      api: {
        listTaskInstances: jest.fn(async () => taskInstances()),
        getTaskLog: jest.fn(async () => ({
          dagId: 'news_crawler',
          runId: run(1).runId,
          taskId: 'crawl',
          log: {
            tryNumber: 2,
            lines: [
              {
                timestamp: '2026-01-01T00:00:00Z',
                level: 'info',
                message: 'crawling',
              },
            ],
            continuationToken: null,
          },
        })),
      },
    });
    await userEvent.click(
      await screen.findByRole('button', {
        name: `Show the task instances of ${run(1).runId}`,
      }),
    );
    expect(
      await screen.findByText(`Task instances of ${run(1).runId}`),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('KubernetesPodOperator'),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Open the log of crawl, try 2' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByRole('heading', { name: 'Log of crawl, try 2' }),
    ).toBeInTheDocument();
    expect(
      await within(dialog).findByText(/1 lines in 1 chunk/),
    ).toBeInTheDocument();
    expect(api.getTaskLog).toHaveBeenCalledWith(
      expect.objectContaining({
        dagId: 'news_crawler',
        runId: run(1).runId,
        taskId: 'crawl',
        tryNumber: 2,
      }),
    );
  });

  it('should show a refused claim with its fix and no actions', async () => {
    const summary = {
      ...airflowResponse().dags[0],
      claim: {
        holds: false,
        tag: 'backstage:component:default/news-crawler',
        mode: 'tag' as const,
        reason: 'add the tag "backstage:component:default/news-crawler"',
      },
      dag: null,
    };
    const { api } = await section({ summary });
    expect(
      await screen.findByText('Claim refused: news_crawler'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'add the tag "backstage:component:default/news-crawler"',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Trigger run' })).toBeNull();
    expect(api.listRuns).not.toHaveBeenCalled();
  });

  it('should show the paused state of the DAG', async () => {
    await section({
      summary: { ...airflowResponse().dags[0], dag: dag({ isPaused: true }) },
    });
    expect(await screen.findByText('paused')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Unpause' })).toBeInTheDocument();
  });
});
