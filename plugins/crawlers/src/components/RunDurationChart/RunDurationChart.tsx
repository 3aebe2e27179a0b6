/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Flex, Text } from '@backstage/ui';
import type { CrawlersDagRun } from '@crawler-platform/plugin-crawlers-common';
import { useId } from 'react';
import { formatDuration, formatTime } from '../shared/format';
import styles from './RunDurationChart.module.css';

/** How many runs the chart shows. */
export const CHART_RUNS = 30;

const WIDTH = 600;
const HEIGHT = 120;
const GAP = 4;
const MIN_BAR = 2;

type ChartState = 'success' | 'failed' | 'running' | 'queued' | 'other';

function chartState(state: string): ChartState {
  return state === 'success' ||
    state === 'failed' ||
    state === 'running' ||
    state === 'queued'
    ? state
    : 'other';
}

/** A run's duration: Airflow's, or the time it has been running so far. */
export function runDuration(
  run: CrawlersDagRun,
  now: number = Date.now(),
): number | null {
  if (run.durationSeconds !== null && run.durationSeconds !== undefined) {
    return run.durationSeconds;
  }
  if (run.startDate && !run.endDate) {
    return Math.max(0, (now - new Date(run.startDate).getTime()) / 1000);
  }
  return null;
}

/**
 * The durations of a DAG's last {@link CHART_RUNS} runs, oldest on the left, each bar coloured by the run's state. A
 * small SVG: no chart library. Each bar has a `<title>` (run id, state, duration, start) for a pointer tooltip; the
 * summary and the legend carry the same information as text.
 */
export function RunDurationChart(props: {
  dagId: string;
  runs: CrawlersDagRun[];
}) {
  const titleId = useId();
  const runs = props.runs.slice(0, CHART_RUNS).reverse();
  if (runs.length === 0) {
    return null;
  }
  const now = Date.now();
  const durations = runs.map(r => runDuration(r, now) ?? 0);
  const max = Math.max(1, ...durations);
  const slot = WIDTH / CHART_RUNS;
  const barWidth = slot - GAP;
  const counts = new Map<ChartState, number>();
  for (const run of runs) {
    const s = chartState(run.state);
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  const summary = `Durations of the last ${runs.length} runs of ${
    props.dagId
  }, oldest first: ${[...counts]
    .map(([state, n]) => `${n} ${state}`)
    .join(', ')}; longest ${formatDuration(max)}.`;

  return (
    <Flex direction="column" gap="1">
      <svg
        className={styles.chart}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-labelledby={titleId}
        data-testid="run-duration-chart"
      >
        <title id={titleId}>{summary}</title>
        <line
          className={styles.axis}
          x1={0}
          x2={WIDTH}
          y1={HEIGHT - 0.5}
          y2={HEIGHT - 0.5}
        />
        {runs.map((run, i) => {
          const h = Math.max(MIN_BAR, (durations[i] / max) * (HEIGHT - 8));
          return (
            <rect
              key={run.runId}
              className={styles.bar}
              data-state={chartState(run.state)}
              x={i * slot + GAP / 2}
              y={HEIGHT - h}
              width={barWidth}
              height={h}
              rx={1}
            >
              <title>{`${run.runId}: ${run.state}, ${formatDuration(
                runDuration(run, now),
              )}, started ${formatTime(run.startDate)}`}</title>
            </rect>
          );
        })}
      </svg>
      <Flex gap="3" align="center" aria-hidden="true">
        {[...counts].map(([state, n]) => (
          <Flex key={state} gap="1" align="center">
            <span className={styles.swatch} data-state={state} />
            <Text variant="body-small" color="secondary">
              {state} ({n})
            </Text>
          </Flex>
        ))}
        <Text variant="body-small" color="secondary">
          longest {formatDuration(max)}
        </Text>
      </Flex>
    </Flex>
  );
}
