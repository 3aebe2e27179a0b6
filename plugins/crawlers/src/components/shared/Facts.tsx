/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Fragment, ReactNode } from 'react';
import styles from './shared.module.css';

/** Label–value pairs as a description list. Items with a `false` value are left out. */
export function Facts(props: {
  items: Array<{ label: string; value: ReactNode } | false | null | undefined>;
}) {
  return (
    <dl className={styles.facts}>
      {props.items
        .filter((i): i is { label: string; value: ReactNode } => !!i)
        .map(item => (
          <Fragment key={item.label}>
            <dt>{item.label}</dt>
            <dd>{item.value}</dd>
          </Fragment>
        ))}
    </dl>
  );
}
