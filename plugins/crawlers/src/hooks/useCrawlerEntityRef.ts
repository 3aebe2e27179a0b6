/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useMemo } from 'react';

/**
 * The current entity's ref, stable between renders while the entity is the same one (for API calls and permission
 * checks): a catalog refresh of the entity does not reload the sections.
 */
export function useCrawlerEntityRef(): {
  entityRef: CompoundEntityRef;
  entityRefString: string;
} {
  const { entity } = useEntity();
  const entityRefString = stringifyEntityRef(entity);
  return useMemo(
    () => ({ entityRef: parseEntityRef(entityRefString), entityRefString }),
    [entityRefString],
  );
}
