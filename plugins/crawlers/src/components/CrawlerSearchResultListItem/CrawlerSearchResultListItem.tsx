/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { parseEntityRef } from '@backstage/catalog-model';
import type {
  ResultHighlight,
  SearchDocument,
} from '@backstage/plugin-search-common';
import { HighlightedSearchResultText } from '@backstage/plugin-search-react';
import { Flex, Link, Text, VisuallyHidden } from '@backstage/ui';
import { RiErrorWarningLine, RiExternalLinkLine } from '@remixicon/react';
import type { CrawlersSearchDocument } from '@crawler-platform/plugin-crawlers-common';
import type { CSSProperties, ReactNode } from 'react';
import { formatRelative, formatTime } from '../shared/format';
import { Code } from '../shared/SectionStates';
import { PausedBadge, RunStateBadge, StatusBadge } from '../shared/StatusBadge';
import styles from './CrawlerSearchResultListItem.module.css';

/**
 * Props of {@link CrawlerSearchResultListItem}: what the search page passes to a result list item.
 *
 * @public
 */
export interface CrawlerSearchResultListItemProps {
  /** The document: a `crawler` (or `crawler-unclaimed`) document of the search index. */
  result?: SearchDocument;
  /** The search engine's highlight of the matching terms in the title and text. */
  highlight?: ResultHighlight;
  /** The result's rank in the list (used for analytics by the list). */
  rank?: number;
  /** An icon before the result. */
  icon?: ReactNode;
  /** Lines of the description shown at most; default 3. */
  lineClamp?: number;
}

/** A field the engine highlighted, else the plain value. */
function Highlighted(props: {
  field: string;
  value: string;
  highlight?: ResultHighlight;
}) {
  const text = props.highlight?.fields?.[props.field];
  return text ? (
    <HighlightedSearchResultText
      text={text}
      preTag={props.highlight!.preTag}
      postTag={props.highlight!.postTag}
    />
  ) : (
    <>{props.value}</>
  );
}

/** `crawler-team` for `group:default/crawler-team`; other namespaces and kinds are kept. */
function shortRef(ref: string): string {
  try {
    const parsed = parseEntityRef(ref, { defaultKind: 'group' });
    const name =
      parsed.namespace === 'default'
        ? parsed.name
        : `${parsed.namespace}/${parsed.name}`;
    return parsed.kind.toLocaleLowerCase('en-US') === 'group'
      ? name
      : `${parsed.kind.toLocaleLowerCase('en-US')}:${name}`;
  } catch {
    return ref;
  }
}

function Fact(props: { label: string; children: ReactNode }) {
  return (
    <Flex gap="1" align="center">
      <Text variant="body-small" color="secondary">
        {props.label}
      </Text>
      {props.children}
    </Flex>
  );
}

/**
 * A crawler in the search results: its title (linked to the entity page, or to the Airflow UI for a DAG no entity
 * claims) and description with the engine's highlights, then the state of the last run, when it ran, the owner, the
 * schedule, and whether the DAG is paused or fails to import.
 *
 * @public
 */
export function CrawlerSearchResultListItem(
  props: CrawlerSearchResultListItemProps,
) {
  if (!props.result) return null;
  const doc = props.result as Partial<CrawlersSearchDocument> & SearchDocument;
  const claimed = !!doc.entityRef;
  const lastRunState = doc.lastRunState ?? null;
  const lastRunAt = doc.lastRunAt ?? null;
  const clamp = {
    '--crawler-search-line-clamp': props.lineClamp ?? 3,
  } as CSSProperties;

  return (
    <Flex gap="3" align="start" className={styles.item}>
      {props.icon && <div className={styles.icon}>{props.icon}</div>}
      <Flex direction="column" gap="2" style={{ minWidth: 0 }}>
        <Text as="div" variant="title-x-small">
          {claimed ? (
            <Link href={doc.location}>
              <Highlighted
                field="title"
                value={doc.title}
                highlight={props.highlight}
              />
            </Link>
          ) : (
            <Link href={doc.location} target="_blank" rel="noopener noreferrer">
              <Highlighted
                field="title"
                value={doc.title}
                highlight={props.highlight}
              />{' '}
              <RiExternalLinkLine aria-hidden size={14} />
              <VisuallyHidden>(opens the Airflow UI)</VisuallyHidden>
            </Link>
          )}
        </Text>
        {doc.text && (
          <Text
            as="div"
            variant="body-small"
            color="secondary"
            className={styles.text}
            style={clamp}
          >
            <Highlighted
              field="text"
              value={doc.text}
              highlight={props.highlight}
            />
          </Text>
        )}
        <Flex gap="4" align="center" style={{ flexWrap: 'wrap' }}>
          <Fact label="Last run">
            {lastRunState ? (
              <>
                <RunStateBadge state={lastRunState} />
                {lastRunAt && (
                  <Text variant="body-small" title={formatTime(lastRunAt)}>
                    {formatRelative(lastRunAt)}
                  </Text>
                )}
              </>
            ) : (
              <Text variant="body-small">none yet</Text>
            )}
          </Fact>
          <Fact label="Owner">
            <Text variant="body-small">
              {doc.owner ? shortRef(doc.owner) : 'unclaimed'}
            </Text>
          </Fact>
          <Fact label="Schedule">
            {doc.schedule ? (
              <Code>{doc.schedule}</Code>
            ) : (
              <Text variant="body-small">none</Text>
            )}
          </Fact>
          {doc.dagId && (
            <Fact label="DAG">
              <Code>{doc.dagId}</Code>
              {doc.instance && (
                <Text variant="body-small" color="secondary">
                  on {doc.instance}
                </Text>
              )}
            </Fact>
          )}
          {doc.paused && <PausedBadge isPaused />}
          {doc.hasImportErrors && (
            <StatusBadge
              tone="danger"
              icon={<RiErrorWarningLine aria-hidden size={14} />}
            >
              import error
            </StatusBadge>
          )}
        </Flex>
      </Flex>
    </Flex>
  );
}
