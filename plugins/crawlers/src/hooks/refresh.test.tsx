/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { act, render, screen } from '@testing-library/react';
import { CrawlersRefreshProvider, useCrawlersRefresh } from './refresh';

function Tick() {
  const { tick } = useCrawlersRefresh();
  return <span data-testid="tick">{tick}</span>;
}

function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => state,
  });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('CrawlersRefreshProvider', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    setVisibility('visible');
  });
  afterEach(() => {
    jest.useRealTimers();
    setVisibility('visible');
  });

  it('should refresh every 30 seconds while the page is visible', () => {
    render(
      <CrawlersRefreshProvider>
        <Tick />
      </CrawlersRefreshProvider>,
    );
    act(() => {
      jest.advanceTimersByTime(60_000);
    });
    expect(screen.getByTestId('tick')).toHaveTextContent('2');
  });

  it('should not refresh while the page is hidden, and catch up when it is shown', () => {
    render(
      <CrawlersRefreshProvider>
        <Tick />
      </CrawlersRefreshProvider>,
    );
    act(() => setVisibility('hidden'));
    act(() => {
      jest.advanceTimersByTime(90_000);
    });
    expect(screen.getByTestId('tick')).toHaveTextContent('0');
    act(() => setVisibility('visible'));
    expect(screen.getByTestId('tick')).toHaveTextContent('1');
  });
});
