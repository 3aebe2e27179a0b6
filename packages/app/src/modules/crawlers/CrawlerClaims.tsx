/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Alert, Flex, Skeleton, Text } from '@backstage/ui';
import type { CrawlersAirflowResponse } from '@crawler-platform/plugin-crawlers-common';
import { useEffect, useState } from 'react';

type State =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'done'; value: CrawlersAirflowResponse };

/**
 * Whether each DAG and DAG file confirms the crawler's claim, with the fix for a refused one. (The crawlers frontend
 * plugin replaces this card with the full entity page.)
 */
export function CrawlerClaims() {
  const { entity } = useEntity();
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const [state, setState] = useState<State>({ status: 'loading' });
  const { kind, metadata } = entity;
  const namespace = metadata.namespace ?? 'default';

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const base = await discoveryApi.getBaseUrl('crawlers');
      const res = await fetchApi.fetch(
        `${base}/entities/${encodeURIComponent(
          kind.toLocaleLowerCase('en-US'),
        )}/${encodeURIComponent(namespace)}/${encodeURIComponent(
          metadata.name,
        )}/airflow`,
      );
      if (!res.ok) {
        throw await ResponseError.fromResponse(res);
      }
      return (await res.json()) as CrawlersAirflowResponse;
    })().then(
      value => !cancelled && setState({ status: 'done', value }),
      error =>
        !cancelled &&
        setState({ status: 'error', message: String(error.message ?? error) }),
    );
    return () => {
      cancelled = true;
    };
  }, [discoveryApi, fetchApi, kind, namespace, metadata.name]);

  if (state.status === 'loading') {
    return <Skeleton width="100%" height={48} />;
  }
  if (state.status === 'error') {
    return (
      <Alert
        status="danger"
        icon
        title="Airflow data could not be loaded"
        description={state.message}
      />
    );
  }
  const refusals = [
    ...state.value.dags.flatMap(d => d.errors),
    ...state.value.errors,
  ].filter(e => e.source.startsWith('claim:'));
  const confirmed = state.value.dags.filter(d => d.claim?.holds);
  return (
    <Flex direction="column" gap="2" aria-label="Claims">
      {confirmed.length > 0 && (
        <Text>
          Confirmed by their claim tag: {confirmed.map(d => d.dagId).join(', ')}
        </Text>
      )}
      {refusals.map(e => (
        <Alert
          key={e.source}
          status="warning"
          icon
          title={`Claim refused: ${e.source.slice('claim:'.length)}`}
          description={e.message}
        />
      ))}
    </Flex>
  );
}
