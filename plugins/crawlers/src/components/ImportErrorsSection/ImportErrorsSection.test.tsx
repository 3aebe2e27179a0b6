/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { screen } from '@testing-library/react';
import {
  airflowResponse,
  refusedAirflowResponse,
} from '../../__testUtils__/fixtures';
import { renderCrawler } from '../../__testUtils__/render';
import { ImportErrorsSection } from './ImportErrorsSection';

const stackTrace =
  'Traceback (most recent call last):\n  File "price_crawler_backfill.py", line 3\nSyntaxError: invalid syntax';

describe('ImportErrorsSection', () => {
  it('should show each import error with its stack trace', async () => {
    await renderCrawler(
      <ImportErrorsSection
        airflow={airflowResponse({
          importErrors: [
            {
              id: 1,
              filename: 'airflow3/price_crawler_backfill.py',
              timestamp: '2026-01-01T00:00:00Z',
              stackTrace,
              bundleName: 'dags-folder',
            },
          ],
        })}
        onRetry={() => {}}
        dagFilesNamed
      />,
    );
    expect(
      await screen.findByRole('heading', {
        name: 'airflow3/price_crawler_backfill.py',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('region', {
        name: 'Stack trace of airflow3/price_crawler_backfill.py',
      }),
    ).toHaveTextContent('SyntaxError: invalid syntax');
    expect(
      screen.getByText(/since 2026-01-01 00:00:00 UTC · bundle dags-folder/),
    ).toBeInTheDocument();
  });

  it('should name the annotation for files that never parsed when there is no error', async () => {
    await renderCrawler(
      <ImportErrorsSection
        airflow={airflowResponse()}
        onRetry={() => {}}
        dagFilesNamed={false}
      />,
    );
    expect(
      await screen.findByText("No import errors in this crawler's DAG files"),
    ).toBeInTheDocument();
    expect(
      screen.getByText('crawler-platform.io/dag-files'),
    ).toBeInTheDocument();
  });

  it('should show a refused file claim with its fix', async () => {
    await renderCrawler(
      <ImportErrorsSection
        airflow={refusedAirflowResponse()}
        onRetry={() => {}}
        dagFilesNamed
      />,
    );
    expect(
      await screen.findByText(
        'Claim refused: airflow3/price_crawler_backfill.py',
      ),
    ).toBeInTheDocument();
    // the DAG claim belongs to the runs section, not here
    expect(screen.queryByText('Claim refused: news_crawler')).toBeNull();
  });

  it('should show the upstream error of the import error list', async () => {
    await renderCrawler(
      <ImportErrorsSection
        airflow={airflowResponse({
          errors: [
            {
              source: 'importErrors',
              status: 502,
              message: 'Airflow unreachable',
            },
          ],
        })}
        onRetry={() => {}}
        dagFilesNamed
      />,
    );
    expect(await screen.findByText('importErrors (502)')).toBeInTheDocument();
    expect(screen.getByText('Airflow unreachable')).toBeInTheDocument();
  });

  it('should show skeletons while loading and an error panel on failure', async () => {
    const { rendered } = await renderCrawler(
      <ImportErrorsSection
        airflow={undefined}
        onRetry={() => {}}
        dagFilesNamed
      />,
    );
    expect(
      await screen.findByText('Loading import errors'),
    ).toBeInTheDocument();
    rendered.unmount();
    await renderCrawler(
      <ImportErrorsSection
        airflow={undefined}
        error={new Error('boom')}
        onRetry={() => {}}
        dagFilesNamed
      />,
    );
    expect(
      await screen.findByText('Import errors could not be loaded'),
    ).toBeInTheDocument();
  });
});
