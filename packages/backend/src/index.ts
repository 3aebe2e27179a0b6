/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The Crawler Platform example portal's backend (new backend system).
import { createBackend } from '@backstage/backend-defaults';
import { features } from './features';

const backend = createBackend();
for (const feature of features) {
  backend.add(feature);
}
backend.start();
