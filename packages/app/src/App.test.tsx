/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { render, waitFor } from '@testing-library/react';
import App from './App';

describe('App', () => {
  it('should render the sign-in page of the portal', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Crawler Platform' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };

    const rendered = render(App.createRoot());

    // the app loads its features lazily: give a loaded machine time
    await waitFor(
      () => {
        expect(rendered.getByText('Crawler Platform')).toBeInTheDocument();
      },
      { timeout: 30_000 },
    );
  }, 60_000);
});
