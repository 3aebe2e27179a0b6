/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import '@testing-library/jest-dom';
import { act } from '@testing-library/react';

// Sections load in parallel: let the answers a test did not wait for arrive inside act() before the test's cleanup
// unmounts the tree.
afterEach(async () => {
  await act(async () => {
    await new Promise(resolve => setTimeout(resolve, 0));
  });
});
