/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Clock } from '../clock';
import { SandboxLogger } from '../util/logger';
import { AirflowKube } from './kubeAccess';
import { AIRFLOW_NAMESPACE } from './podTemplate';

/** One line of the scheduler's own log (`kubectl logs <release>-scheduler-… -c scheduler`). */
export type SchedulerLine = {
  level: 'info' | 'warning' | 'error';
  /** `file.py:line` (Airflow 2's `{…}`, Airflow 3's `loc=`). */
  source: string;
  /** The Python logger (shown by Airflow 3). */
  logger: string;
  /** The message; later lines (a traceback) follow it as they are. */
  message: string;
};

/** Airflow 2's `[2026-06-01T12:30:00.123+0000] {file.py:12} ERROR - message`. */
function airflow2Line(line: SchedulerLine, now: Date): string {
  const ts = now.toISOString().replace('Z', '+0000');
  return `[${ts}] {${line.source}} ${line.level.toUpperCase()} - ${
    line.message
  }`;
}

/** Airflow 3.1+'s structlog console line: `2026-06-01T12:30:00.123000Z [error    ] message [logger] loc=file.py:12`. */
function airflow3Line(line: SchedulerLine, now: Date): string {
  const ts = now.toISOString().replace(/Z$/, '000Z');
  const [first, ...rest] = line.message.split('\n');
  return [
    `${ts} [${line.level.padEnd(9)}] ${first.padEnd(30)} [${line.logger}] loc=${
      line.source
    }`,
    ...rest,
  ].join('\n');
}

/**
 * Writes the scheduler's log lines into the container log of the release's scheduler pod (container `scheduler`,
 * found by the labels `component=scheduler,release=<release>` when a line is written), in the format of the
 * Airflow version. Without a scheduler pod the line is reported to the sandbox logger instead.
 */
export class SchedulerLog {
  constructor(
    private readonly options: {
      release: string;
      airflowMajor: 2 | 3;
      kube: AirflowKube;
      clock: Clock;
      logger: SandboxLogger;
    },
  ) {}

  write(line: SchedulerLine): void {
    const { kube, release, airflowMajor, clock, logger } = this.options;
    const now = clock.now();
    const text =
      airflowMajor === 2 ? airflow2Line(line, now) : airflow3Line(line, now);
    const pod = kube.list('pods', AIRFLOW_NAMESPACE, {
      labelSelector: `component=scheduler,release=${release}`,
    })[0];
    if (!pod) {
      logger.warn(`${release} scheduler has no pod to log to`, {
        line: line.message.split('\n')[0],
      });
      return;
    }
    kube.appendLog(
      AIRFLOW_NAMESPACE,
      pod.metadata.name,
      'scheduler',
      `${text}\n`,
    );
  }
}
