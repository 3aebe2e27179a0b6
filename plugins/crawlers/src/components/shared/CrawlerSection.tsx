/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Card, CardBody, CardHeader, Flex, Text } from '@backstage/ui';
import { ReactNode, useId } from 'react';

/**
 * One section of the crawler tab: a BUI `Card` as a labelled region (`id` makes it linkable, e.g. `#pods`), its title
 * as a heading and optional actions in the header.
 */
export function CrawlerSection(props: {
  id?: string;
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const headingId = useId();
  return (
    <section id={props.id} aria-labelledby={headingId}>
      <Card>
        <CardHeader>
          <Flex
            justify="between"
            align="center"
            gap="3"
            style={{ flexWrap: 'wrap' }}
          >
            <Flex direction="column" gap="1">
              <Text as="h2" variant="title-small" id={headingId}>
                {props.title}
              </Text>
              {props.subtitle && (
                <Text as="div" variant="body-small" color="secondary">
                  {props.subtitle}
                </Text>
              )}
            </Flex>
            {props.actions}
          </Flex>
        </CardHeader>
        <CardBody>
          <Flex direction="column" gap="3">
            {props.children}
          </Flex>
        </CardBody>
      </Card>
    </section>
  );
}
