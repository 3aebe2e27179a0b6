/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  CreateCommitCommand,
  GetBranchCommand,
  GetFileCommand,
} from '@aws-sdk/client-codecommit';
import { SANDBOX_DAG_BRANCH, SANDBOX_DAG_REPOSITORY } from '../constants';
import { ScenarioContext, ScenarioCrawler } from './context';
import { waitForSynced } from './kube';
import { ScenarioError } from './types';

/**
 * An edit of a seeded DAG file: `broken` replaces `healthy` (its one occurrence) to break, the reverse heals. Neither
 * text contains the other, so the file's state is known from which one it holds.
 */
export type DagFileEdit = {
  healthy: string;
  broken: string;
  /** What the break does, and what the heal does, for the commit messages and the notes. */
  what: string;
  undo: string;
};

/** The crawler's DAG file at the tip of the DAG repository's branch (CodeCommit GetBranch + GetFile). */
async function readDagFile(
  ctx: ScenarioContext,
  crawler: ScenarioCrawler,
): Promise<{ content: string; tip: string }> {
  const { codecommit } = ctx.clients;
  const branch = await codecommit.send(
    new GetBranchCommand({
      repositoryName: SANDBOX_DAG_REPOSITORY,
      branchName: SANDBOX_DAG_BRANCH,
    }),
  );
  const tip = branch.branch!.commitId!;
  const file = await codecommit.send(
    new GetFileCommand({
      repositoryName: SANDBOX_DAG_REPOSITORY,
      commitSpecifier: tip,
      filePath: crawler.dagFile,
    }),
  );
  return {
    content: Buffer.from(file.fileContent ?? new Uint8Array()).toString('utf8'),
    tip,
  };
}

/**
 * Applies one direction of an edit to the crawler's DAG file and commits it with CodeCommit CreateCommit (the way a
 * team's change reaches the DAG repository). Returns the commit the branch is at afterwards and whether it committed;
 * a file already in the wanted state is left alone; a file in neither state is refused.
 */
export async function editDagFile(
  ctx: ScenarioContext,
  crawler: ScenarioCrawler,
  edit: DagFileEdit,
  direction: 'break' | 'heal',
): Promise<{ commitId: string; changed: boolean }> {
  const { content, tip } = await readDagFile(ctx, crawler);
  const [from, to] =
    direction === 'break'
      ? [edit.healthy, edit.broken]
      : [edit.broken, edit.healthy];
  if (!content.includes(from)) {
    if (content.includes(to)) return { commitId: tip, changed: false };
    throw new ScenarioError(
      `${SANDBOX_DAG_REPOSITORY}/${
        crawler.dagFile
      } contains neither ${JSON.stringify(from)} nor ${JSON.stringify(
        to,
      )}: it is not the seeded DAG file; restore it by hand`,
    );
  }
  const next = content.replace(from, to);
  const result = await ctx.clients.codecommit.send(
    new CreateCommitCommand({
      repositoryName: SANDBOX_DAG_REPOSITORY,
      branchName: SANDBOX_DAG_BRANCH,
      parentCommitId: tip,
      authorName: 'Crawler Platform Sandbox',
      email: 'sandbox@example.com',
      commitMessage: `${crawler.dagId}: ${
        direction === 'break' ? edit.what : edit.undo
      }`,
      putFiles: [
        { filePath: crawler.dagFile, fileContent: Buffer.from(next, 'utf8') },
      ],
    }),
  );
  ctx.note(
    `CodeCommit CreateCommit ${
      result.commitId
    } on ${SANDBOX_DAG_REPOSITORY}/${SANDBOX_DAG_BRANCH}: ${crawler.dagFile}: ${
      direction === 'break' ? edit.what : edit.undo
    }`,
  );
  return { commitId: result.commitId!, changed: true };
}

/** {@link editDagFile}, then waits until the crawler's Airflow git-sync has published the branch's commit. */
export async function editDagFileAndSync(
  ctx: ScenarioContext,
  crawler: ScenarioCrawler,
  edit: DagFileEdit,
  direction: 'break' | 'heal',
): Promise<boolean> {
  const { commitId, changed } = await editDagFile(
    ctx,
    crawler,
    edit,
    direction,
  );
  await waitForSynced(ctx, crawler, commitId);
  return changed;
}
