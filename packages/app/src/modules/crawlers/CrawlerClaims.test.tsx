/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { screen } from '@testing-library/react';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { CrawlerClaims } from './CrawlerClaims';

const impostor: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'impostor-crawler',
    annotations: { 'crawler-platform.io/dag-ids': 'news_crawler' },
  },
  spec: { type: 'crawler', lifecycle: 'experimental', owner: 'crawler-team' },
};

const reason =
  'DAG "news_crawler" does not confirm that it belongs to component:default/impostor-crawler: add the tag "backstage:component:default/impostor-crawler" to the tags of its DAG(...)';

function render(response: Response) {
  const fetch = jest.fn(async () => response);
  return {
    fetch,
    rendered: renderInTestApp(
      <TestApiProvider
        apis={[
          [fetchApiRef, { fetch }],
          [
            discoveryApiRef,
            { getBaseUrl: async () => 'http://backend/api/crawlers' },
          ],
        ]}
      >
        <EntityProvider entity={impostor}>
          <CrawlerClaims />
        </EntityProvider>
      </TestApiProvider>,
    ),
  };
}

describe('CrawlerClaims', () => {
  it('should show a refused claim with the tag to add', async () => {
    const { fetch } = render(
      new Response(
        JSON.stringify({
          dags: [
            {
              dagId: 'news_crawler',
              claim: { holds: false, tag: 'x', mode: 'tag', reason },
              errors: [
                { source: 'claim:news_crawler', status: 403, message: reason },
              ],
            },
          ],
          errors: [],
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      ),
    );
    expect(
      await screen.findByText('Claim refused: news_crawler'),
    ).toBeInTheDocument();
    expect(screen.getByText(reason)).toBeInTheDocument();
    expect(fetch).toHaveBeenCalledWith(
      'http://backend/api/crawlers/entities/component/default/impostor-crawler/airflow',
    );
  });

  it('should say when the Airflow data could not be loaded', async () => {
    render(
      new Response(JSON.stringify({ error: { message: 'boom' } }), {
        status: 500,
        statusText: 'Internal Server Error',
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(
      await screen.findByText('Airflow data could not be loaded'),
    ).toBeInTheDocument();
  });
});
