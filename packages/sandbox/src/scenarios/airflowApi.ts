/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  SANDBOX_AIRFLOW_PASSWORD,
  SANDBOX_AIRFLOW_USERNAME,
} from '../constants';

/** An import error as both API versions list it (v2 adds `bundle_name`). */
export type ImportErrorItem = {
  import_error_id: number;
  filename: string;
  stack_trace: string;
  timestamp: string;
  bundle_name?: string;
};

/**
 * The Airflow REST API of one sandbox Airflow, as a client sees it: Airflow 2's `/api/v1` with Basic auth, Airflow
 * 3's `/api/v2` with a JWT from `POST /auth/token`.
 */
export class AirflowApi {
  private token: string | undefined;

  constructor(
    readonly name: string,
    private readonly baseUrl: string,
    readonly major: 2 | 3,
  ) {}

  /** `/api/v1` or `/api/v2`. */
  get apiBase(): string {
    return `${this.baseUrl.replace(/\/+$/, '')}/api/v${
      this.major === 2 ? 1 : 2
    }`;
  }

  /** Triggers a manual run of the DAG; returns its `dag_run_id`. */
  async trigger(dagId: string): Promise<string> {
    // Airflow 2 sets the logical date to now; Airflow 3 needs `logical_date` in the body (null: none).
    const body = this.major === 2 ? {} : { logical_date: null };
    const res = await this.request(
      'POST',
      `/dags/${encodeURIComponent(dagId)}/dagRuns`,
      body,
    );
    if (res.status !== 200) {
      throw new Error(
        `${this.name}: triggering ${dagId} failed with HTTP ${
          res.status
        }: ${JSON.stringify(res.body)}`,
      );
    }
    return String((res.body as { dag_run_id: string }).dag_run_id);
  }

  /** The DAG (`GET /dags/{dag_id}`), or undefined when Airflow does not know it. */
  async dag(dagId: string): Promise<Record<string, unknown> | undefined> {
    const res = await this.request('GET', `/dags/${encodeURIComponent(dagId)}`);
    if (res.status === 404) return undefined;
    this.expectOk(res, `reading DAG ${dagId}`);
    return res.body as Record<string, unknown>;
  }

  /** Every import error (`GET /importErrors`, paged). */
  async importErrors(): Promise<ImportErrorItem[]> {
    const items: ImportErrorItem[] = [];
    for (let offset = 0; ; offset += 100) {
      const res = await this.request(
        'GET',
        `/importErrors?limit=100&offset=${offset}`,
      );
      this.expectOk(res, 'listing import errors');
      const page = res.body as {
        import_errors: ImportErrorItem[];
        total_entries: number;
      };
      items.push(...page.import_errors);
      if (page.import_errors.length === 0 || items.length >= page.total_entries)
        return items;
    }
  }

  /**
   * Whether an import error names the file `<subPath>/<file>` of the DAG repository: Airflow 2 lists the full path
   * in the pod (`…/dags/repo/<subPath>/<file>`), Airflow 3 the path inside the bundle (`<file>`).
   */
  namesFile(item: ImportErrorItem, subPath: string, file: string): boolean {
    return this.major === 2
      ? item.filename.endsWith(`/${subPath}/${file}`)
      : item.filename === file;
  }

  /** An authenticated request to the API; the body is parsed JSON (or the text when it is not JSON). */
  async request(
    method: string,
    apiPath: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.apiBase}${apiPath}`, {
      method,
      headers: {
        Authorization: await this.authorization(),
        Accept: 'application/json',
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  }

  private expectOk(res: { status: number; body: unknown }, what: string) {
    if (res.status !== 200) {
      throw new Error(
        `${this.name}: ${what} failed with HTTP ${res.status}: ${JSON.stringify(
          res.body,
        )}`,
      );
    }
  }

  private async authorization(): Promise<string> {
    if (this.major === 2) {
      return `Basic ${Buffer.from(
        `${SANDBOX_AIRFLOW_USERNAME}:${SANDBOX_AIRFLOW_PASSWORD}`,
      ).toString('base64')}`;
    }
    if (!this.token) {
      const res = await fetch(
        `${this.baseUrl.replace(/\/+$/, '')}/auth/token`,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            username: SANDBOX_AIRFLOW_USERNAME,
            password: SANDBOX_AIRFLOW_PASSWORD,
          }),
        },
      );
      const body = (await res.json()) as {
        access_token?: string;
        jwt_token?: string;
      };
      const token = body.access_token ?? body.jwt_token;
      if (res.status !== 201 || !token) {
        throw new Error(
          `${this.name}: POST /auth/token failed with HTTP ${
            res.status
          }: ${JSON.stringify(body)}`,
        );
      }
      this.token = token;
    }
    return `Bearer ${this.token}`;
  }
}
