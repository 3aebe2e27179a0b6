/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { CrawlersApi } from '../../api';
import { dag, entityRef } from '../../__testUtils__/fixtures';
import { PermissionDecision, renderCrawler } from '../../__testUtils__/render';
import { DagActions } from './DagActions';

async function actions(
  options: {
    api?: Partial<CrawlersApi>;
    permission?: PermissionDecision;
    isPaused?: boolean;
  } = {},
) {
  const onChanged = jest.fn();
  const rendered = await renderCrawler(
    <DagActions
      entityRef={entityRef}
      entityRefString="component:default/news-crawler"
      dag={dag({ isPaused: options.isPaused ?? false })}
      onChanged={onChanged}
    />,
    options,
  );
  return { onChanged, ...rendered };
}

describe('DagActions', () => {
  it('should trigger a run with a JSON conf and a note, then refresh the runs', async () => {
    const { api, alertApi, onChanged } = await actions();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Trigger run' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /conf/ }),
      '{{"since": "2026-01-01"}',
    );
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Note/ }),
      'backfill',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Trigger' }),
    );
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(api.triggerRun).toHaveBeenCalledWith({
      entityRef,
      dagId: 'news_crawler',
      conf: { since: '2026-01-01' },
      note: 'backfill',
    });
    expect(alertApi.getAlerts()).toContainEqual(
      expect.objectContaining({
        severity: 'success',
        message:
          'Triggered run manual__2026-01-02T00:00:00+00:00 of news_crawler',
      }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('should refuse a conf that is not a JSON object before sending', async () => {
    const { api } = await actions();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Trigger run' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /conf/ }),
      '[[1]',
    );
    expect(
      await within(dialog).findByText(/conf must be a JSON object/),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Trigger' }),
    ).toBeDisabled();
    expect(api.triggerRun).not.toHaveBeenCalled();
  });

  it('should report a refused trigger through the alert API and keep the dialog', async () => {
    const { alertApi, onChanged } = await actions({
      api: {
        triggerRun: jest.fn(async () => {
          throw new Error('DAG is paused');
        }),
      },
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Trigger run' }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Trigger' }),
    );
    expect(
      await within(dialog).findByText('The run was not triggered'),
    ).toBeInTheDocument();
    expect(alertApi.getAlerts()).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        message: 'Could not trigger news_crawler: DAG is paused',
      }),
    );
    expect(onChanged).not.toHaveBeenCalled();
  });

  it('should pause an active DAG and say so', async () => {
    const { api, alertApi, onChanged } = await actions();
    await userEvent.click(await screen.findByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(api.setPaused).toHaveBeenCalledWith({
      entityRef,
      dagId: 'news_crawler',
      isPaused: true,
    });
    expect(alertApi.getAlerts()).toContainEqual(
      expect.objectContaining({ message: 'Paused news_crawler' }),
    );
    expect(
      await screen.findByRole('button', { name: 'Unpause' }),
    ).toBeInTheDocument();
  });

  it('should unpause a paused DAG', async () => {
    const { api } = await actions({ isPaused: true });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Unpause' }),
    );
    await waitFor(() =>
      expect(api.setPaused).toHaveBeenCalledWith(
        expect.objectContaining({ isPaused: false }),
      ),
    );
  });

  it('should hide both actions and explain why when the permissions deny them', async () => {
    await actions({ permission: AuthorizeResult.DENY });
    const hint = await screen.findByRole('button', {
      name: /You are not allowed to trigger or pause news_crawler \(crawlers.dag.trigger, crawlers.dag.pause/,
    });
    expect(hint).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Trigger run' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Pause' })).toBeNull();
    await userEvent.hover(hint);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'usually granted to its owners',
    );
  });

  it('should hide only the trigger when only the trigger permission is denied', async () => {
    await actions({
      permission: name =>
        name === 'crawlers.dag.trigger'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    });
    expect(
      await screen.findByRole('button', { name: 'Pause' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Trigger run' })).toBeNull();
    expect(
      screen.getByRole('button', {
        name: /not allowed to trigger runs of news_crawler/,
      }),
    ).toBeInTheDocument();
  });
});
