/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  diagnosis,
  importErrorFinding,
  pending,
  podsLogFinding,
  roleFix,
} from '../../__testUtils__/fixtures';
import { renderCrawler } from '../../__testUtils__/render';
import { DiagnosisSection } from './DiagnosisSection';

const load = (value: ReturnType<typeof diagnosis>) => ({
  api: { getDiagnosis: jest.fn(async () => value) },
});

const section = () => screen.findByRole('region', { name: 'Diagnosis' });

/** Installs a clipboard whose `writeText` the test controls (jsdom has none). */
function mockClipboard(writeText: jest.Mock) {
  Object.defineProperty(navigator, 'clipboard', {
    configurable: true,
    value: { writeText },
  });
}

describe('DiagnosisSection', () => {
  afterEach(() => {
    // jsdom has no clipboard: remove the one a test installed
    delete (navigator as { clipboard?: unknown }).clipboard;
  });

  it('should show each finding with its title, the exact evidence lines and the fix', async () => {
    const { api } = await renderCrawler(
      <DiagnosisSection />,
      load(diagnosis([podsLogFinding(), importErrorFinding()])),
    );
    expect(api.getDiagnosis).toHaveBeenCalledWith({
      entityRef: {
        kind: 'component',
        namespace: 'default',
        name: 'news-crawler',
      },
    });
    const region = await section();
    expect(
      within(region).getByRole('heading', {
        name: 'ServiceAccount airflow/airflow-worker may not get pods/log in namespace crawler-price',
      }),
    ).toBeInTheDocument();
    const evidence = within(region).getByRole('list', {
      name: 'Evidence of pods-log-forbidden',
    });
    expect(within(evidence).getAllByRole('listitem')).toHaveLength(2);
    expect(
      within(evidence).getByText(
        'pods "price-crawler-crawl-x7k2p" is forbidden: User "system:serviceaccount:airflow:airflow-worker" cannot get resource "pods/log" in API group "" in the namespace "crawler-price"',
      ),
    ).toBeInTheDocument();
    expect(
      within(evidence).getByText(
        'Role airflow-pod-runner (namespace crawler-price)',
      ),
    ).toBeInTheDocument();
    // the fix's snippet, verbatim, in its own labelled code block
    expect(
      within(region).getByRole('region', {
        name: 'Fix of pods-log-forbidden (yaml)',
      }).textContent,
    ).toBe(roleFix);
    expect(
      within(region).getByRole('region', {
        name: 'Fix of import-error (shell)',
      }),
    ).toHaveTextContent(
      'python -m py_compile airflow3/price_crawler_backfill.py',
    );
    expect(region).toHaveTextContent('7 of 9 checks passed · 2 findings');
  });

  it('should group the findings by severity, most severe first', async () => {
    await renderCrawler(
      <DiagnosisSection />,
      load(
        diagnosis([
          podsLogFinding({ severity: 'warning', title: 'A warning' }),
          importErrorFinding({ severity: 'info', title: 'An info' }),
          podsLogFinding({ id: 'image-pull-403', title: 'An error' }),
        ]),
      ),
    );
    const region = await section();
    const headings = within(region)
      .getAllByRole('heading')
      .map(h => h.textContent);
    expect(headings).toEqual([
      'Diagnosis',
      'Errors (1)',
      'An error',
      'Evidence',
      'Fix',
      'Warnings (1)',
      'A warning',
      'Evidence',
      'Fix',
      'Information (1)',
      'An info',
      'Evidence',
      'Fix',
    ]);
  });

  it('should show skeleton lines while the diagnosis loads', async () => {
    await renderCrawler(<DiagnosisSection />, {
      api: { getDiagnosis: jest.fn(() => pending()) },
    });
    const region = await section();
    expect(
      within(region).getByText('Loading the diagnosis'),
    ).toBeInTheDocument();
    expect(
      within(region).queryByRole('heading', { level: 4 }),
    ).not.toBeInTheDocument();
  });

  it('should say that no known failure was found when every check passed', async () => {
    await renderCrawler(<DiagnosisSection />, load(diagnosis()));
    const region = await section();
    expect(
      within(region).getByText('No known failure found'),
    ).toBeInTheDocument();
    expect(
      within(region).getByText(/^All 9 checks passed/),
    ).toBeInTheDocument();
  });

  it('should name the checks that could not run, with their reason', async () => {
    const value = diagnosis();
    value.checks[4] = {
      id: 'no-fargate-profile',
      status: 'unknown',
      reason: 'the Fargate profiles could not be read',
    };
    await renderCrawler(<DiagnosisSection />, load(value));
    const region = await section();
    expect(
      within(region).getByText('No known failure found'),
    ).toBeInTheDocument();
    expect(
      within(region).getByText(/^1 of 9 checks could not run/),
    ).toBeInTheDocument();
    expect(
      within(region).getByRole('heading', {
        name: 'Checks that could not run (1)',
      }),
    ).toBeInTheDocument();
    expect(
      within(region).getByText(': the Fargate profiles could not be read', {
        exact: false,
      }),
    ).toHaveTextContent(
      'no-fargate-profile: the Fargate profiles could not be read',
    );
  });

  it('should show one error panel with a retry when the diagnosis cannot be loaded', async () => {
    const getDiagnosis = jest
      .fn()
      .mockRejectedValueOnce(new Error('Request failed with 502 Bad Gateway'))
      .mockResolvedValue(diagnosis([podsLogFinding()]));
    await renderCrawler(<DiagnosisSection />, { api: { getDiagnosis } });
    const region = await section();
    expect(
      within(region).getByText('The diagnosis could not be loaded'),
    ).toBeInTheDocument();
    expect(
      within(region).getByText('Request failed with 502 Bad Gateway'),
    ).toBeInTheDocument();

    await userEvent.click(
      within(region).getByRole('button', { name: 'Retry' }),
    );
    expect(
      await within(region).findByRole('heading', {
        name: /may not get pods\/log/,
      }),
    ).toBeInTheDocument();
    expect(
      within(region).queryByText('The diagnosis could not be loaded'),
    ).not.toBeInTheDocument();
  });

  it('should show the section errors the other sections do not show', async () => {
    await renderCrawler(
      <DiagnosisSection />,
      load(
        diagnosis([], {
          errors: [
            {
              source: 'aws:fargateProfiles',
              status: 502,
              message: 'EKS ListFargateProfiles failed',
            },
            { source: 'dag:news_crawler', status: 502, message: 'shown above' },
          ],
        }),
      ),
    );
    const region = await section();
    expect(
      within(region).getByText('aws:fargateProfiles (502)'),
    ).toBeInTheDocument();
    expect(within(region).queryByText('shown above')).not.toBeInTheDocument();
  });

  it('should show refused claims with their fix', async () => {
    await renderCrawler(
      <DiagnosisSection />,
      load(
        diagnosis([], {
          entityRef: 'component:default/impostor-crawler',
          errors: [
            {
              source: 'claim:news_crawler',
              status: 403,
              message:
                'DAG "news_crawler" does not confirm that it belongs to component:default/impostor-crawler: add the tag "backstage:component:default/impostor-crawler" to the tags of its DAG(...)',
            },
            {
              source: 'claim:namespace',
              status: 403,
              message:
                'The Namespace crawler-news does not name component:default/impostor-crawler: add\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: crawler-news',
            },
          ],
        }),
      ),
    );
    const region = await section();
    expect(
      within(region).getByText('Claim refused: news_crawler'),
    ).toBeInTheDocument();
    expect(
      within(region).getByText(
        'add the tag "backstage:component:default/impostor-crawler"',
        { exact: false },
      ),
    ).toBeInTheDocument();
    expect(
      within(region).getByText('Claim refused: namespace crawler-news'),
    ).toBeInTheDocument();
    expect(within(region).getByText(/^apiVersion: v1/)).toBeInTheDocument();
    // a refused claim is not listed again as a plain error
    expect(within(region).queryByText('claim:namespace (403)')).toBeNull();
  });

  it('should copy the fix to the clipboard and say so', async () => {
    const writeText = jest.fn(async () => {});
    mockClipboard(writeText);
    await renderCrawler(
      <DiagnosisSection />,
      load(diagnosis([podsLogFinding()])),
    );
    const region = await section();
    const copy = within(region).getByRole('button', {
      name: 'Copy the fix of pods-log-forbidden',
    });
    expect(copy).toHaveTextContent('Copy');
    await userEvent.click(copy);
    expect(writeText).toHaveBeenCalledWith(roleFix);
    expect(await within(region).findByText('Copied')).toBeInTheDocument();
  });

  it('should say so when the browser refuses the clipboard', async () => {
    mockClipboard(
      jest.fn(async () => {
        throw new DOMException('denied', 'NotAllowedError');
      }),
    );
    await renderCrawler(
      <DiagnosisSection />,
      load(diagnosis([podsLogFinding()])),
    );
    const region = await section();
    await userEvent.click(
      within(region).getByRole('button', {
        name: 'Copy the fix of pods-log-forbidden',
      }),
    );
    expect(
      await within(region).findByText(
        'The browser refused the clipboard: select the code and copy it.',
      ),
    ).toBeInTheDocument();
  });
});
