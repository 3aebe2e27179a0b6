/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  Alert,
  Button,
  Flex,
  Skeleton,
  Text,
  VisuallyHidden,
} from '@backstage/ui';
import { RiInformationLine, RiRefreshLine } from '@remixicon/react';
import type { CrawlersUpstreamError } from '@crawler-platform/plugin-crawlers-common';
import type { ReactNode } from 'react';
import styles from './shared.module.css';

/** The one error panel of a section whose request failed; the rest of the page stays usable. */
export function SectionError(props: {
  title: string;
  error: Error;
  onRetry?: () => void;
}) {
  return (
    <Alert
      status="danger"
      icon
      title={props.title}
      description={props.error.message}
      customActions={
        props.onRetry ? (
          <Button
            size="small"
            variant="secondary"
            iconStart={<RiRefreshLine aria-hidden />}
            onPress={props.onRetry}
          >
            Retry
          </Button>
        ) : undefined
      }
    />
  );
}

/** Whether an upstream error is a refused claim (shown with its fix instead). */
export function isClaimError(error: CrawlersUpstreamError): boolean {
  return error.source.startsWith('claim:');
}

/**
 * Whether an upstream error is about reading one of the crawler's DAGs (`dag:<id>`): the runs section of that DAG
 * shows it, so the Kubernetes sections, which check the same DAGs' claims, leave it out.
 */
export function isDagError(error: CrawlersUpstreamError): boolean {
  return error.source.startsWith('dag:');
}

/**
 * What the backend reported inside a section (`errors` of a response): an upstream failure or a warning, with its
 * source and status. Refused claims are left to `ClaimRefusals`.
 */
export function UpstreamErrors(props: {
  errors: CrawlersUpstreamError[] | undefined;
  stale?: boolean;
}) {
  const errors = (props.errors ?? []).filter(e => !isClaimError(e));
  if (errors.length === 0 && !props.stale) return null;
  return (
    <Flex direction="column" gap="2">
      {props.stale && (
        <Alert
          status="info"
          icon
          title="Showing the last good answer"
          description="The latest refresh failed; the data below may be out of date."
        />
      )}
      {errors.map(e => (
        <Alert
          key={`${e.source}:${e.status}:${e.message}`}
          status={e.severity === 'warning' ? 'warning' : 'danger'}
          icon
          title={`${e.source} (${e.status})`}
          description={e.message}
        />
      ))}
    </Flex>
  );
}

/** A refused claim with its fix: the backend's reason names the tag or annotation to add. */
export function ClaimRefusal(props: { subject: string; reason: string }) {
  const [text, ...yaml] = props.reason.split(
    /\n(?=\s*(?:apiVersion|metadata|kind):)/,
  );
  return (
    <Alert
      status="warning"
      icon
      title={`Claim refused: ${props.subject}`}
      description={
        yaml.length ? (
          <Flex direction="column" gap="2">
            <Text>{text}</Text>
            <pre className={styles.pre}>{yaml.join('\n')}</pre>
          </Flex>
        ) : (
          props.reason
        )
      }
    />
  );
}

/** An empty section: what is missing and what to configure. */
export function EmptyState(props: { title: string; children?: ReactNode }) {
  return (
    <Flex gap="2" align="start" py="2">
      <RiInformationLine aria-hidden size={20} />
      <Flex direction="column" gap="1">
        <Text weight="bold">{props.title}</Text>
        {props.children && (
          <Text color="secondary" as="div">
            {props.children}
          </Text>
        )}
      </Flex>
    </Flex>
  );
}

/** Skeleton lines while a section loads for the first time. */
export function SectionSkeleton(props: { lines?: number; label: string }) {
  return (
    <Flex direction="column" gap="2" aria-busy="true">
      <VisuallyHidden>{props.label}</VisuallyHidden>
      {Array.from({ length: props.lines ?? 3 }, (_, i) => (
        <Skeleton key={i} width="100%" height={24} />
      ))}
    </Flex>
  );
}

/** Inline code. */
export function Code(props: { children: ReactNode }) {
  return <code className={styles.mono}>{props.children}</code>;
}
