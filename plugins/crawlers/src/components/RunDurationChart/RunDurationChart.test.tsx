/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { render, screen } from '@testing-library/react';
import { run } from '../../__testUtils__/fixtures';
import { RunDurationChart } from './RunDurationChart';

describe('RunDurationChart', () => {
  it('should draw the last 30 runs, oldest first, coloured by state', () => {
    const runs = Array.from({ length: 40 }, (_, i) =>
      run(i + 1, { state: i === 0 ? 'failed' : 'success' }),
    );
    const { container } = render(
      <RunDurationChart dagId="news_crawler" runs={runs} />,
    );
    const bars = container.querySelectorAll('rect');
    expect(bars).toHaveLength(30);
    // newest run (run 1, failed) is the right-most bar
    expect(bars[29]).toHaveAttribute('data-state', 'failed');
    expect(bars[0]).toHaveAttribute('data-state', 'success');
    expect(bars[29].querySelector('title')?.textContent).toContain(
      runs[0].runId,
    );
  });

  it('should summarise the states for assistive technology', () => {
    render(
      <RunDurationChart
        dagId="news_crawler"
        runs={[run(1), run(2, { state: 'failed' }), run(3)]}
      />,
    );
    expect(
      screen.getByRole('img', {
        name: /last 3 runs of news_crawler, oldest first: 2 success, 1 failed/,
      }),
    ).toBeInTheDocument();
  });

  it('should draw a running run by the time it has run so far', () => {
    const { container } = render(
      <RunDurationChart
        dagId="news_crawler"
        runs={[
          run(1, {
            state: 'running',
            endDate: null,
            durationSeconds: null,
            startDate: new Date(Date.now() - 120_000).toISOString(),
          }),
          run(2, { durationSeconds: 60 }),
        ]}
      />,
    );
    const [older, running] = Array.from(container.querySelectorAll('rect'));
    expect(Number(running.getAttribute('height'))).toBeGreaterThan(
      Number(older.getAttribute('height')),
    );
  });

  it('should draw nothing without runs', () => {
    const { container } = render(
      <RunDurationChart dagId="news_crawler" runs={[]} />,
    );
    expect(container).toBeEmptyDOMElement();
  });
});
