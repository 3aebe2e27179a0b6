/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { createHash } from 'node:crypto';
import {
  BranchDoesNotExistException,
  BranchNameExistsException,
  CodeCommitClient,
  CreateBranchCommand,
  CreateCommitCommand,
  CreatePullRequestCommand,
  FileDoesNotExistException,
  GetBranchCommand,
  GetFileCommand,
  GetPullRequestCommand,
  ListBranchesCommand,
  ListPullRequestsCommand,
  NoChangeException,
  ParentCommitIdOutdatedException,
} from '@aws-sdk/client-codecommit';
import { AwsStub } from 'aws-sdk-client-mock';

type Commit = { parent?: string; files: Map<string, Buffer> };

/**
 * An in-memory CodeCommit repository behind aws-sdk-client-mock, with CodeCommit's rules for the operations the DAG
 * action uses (parent must be the tip, no empty commits, missing branches and files as typed exceptions).
 */
export class FakeCodeCommit {
  readonly commits = new Map<string, Commit>();
  readonly branches = new Map<string, string>();
  readonly pullRequests: Array<{
    id: string;
    source: string;
    destination: string;
    status: 'OPEN' | 'CLOSED';
    token?: string;
  }> = [];
  /** Runs before each CreateCommit is applied (to move the branch meanwhile). */
  beforeCommit?: () => void;
  /** Runs before each CreatePullRequest (to fail it). */
  beforePullRequest?: () => void;
  private counter = 0;

  constructor(readonly repositoryName: string) {}

  /** Commits files onto a branch directly (someone else's push). */
  commit(branch: string, files: Record<string, string>): string {
    const parent = this.branches.get(branch);
    const tree = new Map(parent ? this.commits.get(parent)!.files : []);
    for (const [p, c] of Object.entries(files)) tree.set(p, Buffer.from(c));
    const id = createHash('sha1').update(`${this.counter++}`).digest('hex');
    this.commits.set(id, { parent, files: tree });
    this.branches.set(branch, id);
    return id;
  }

  file(branch: string, path: string): string | undefined {
    return this.commits
      .get(this.branches.get(branch)!)
      ?.files.get(path)
      ?.toString('utf8');
  }

  install(cc: AwsStub<any, any, CodeCommitClient['config']>) {
    const meta = { $metadata: {} };
    cc.on(GetBranchCommand).callsFake(input => {
      const commitId = this.branches.get(input.branchName);
      if (!commitId)
        throw new BranchDoesNotExistException({
          message: `Could not find branch ${input.branchName}`,
          ...meta,
        });
      return { branch: { branchName: input.branchName, commitId } };
    });
    cc.on(ListBranchesCommand).callsFake(() => ({
      branches: [...this.branches.keys()],
    }));
    cc.on(GetFileCommand).callsFake(input => {
      const commit = this.commits.get(
        this.branches.get(input.commitSpecifier) ?? input.commitSpecifier,
      );
      const content = commit?.files.get(input.filePath);
      if (!content)
        throw new FileDoesNotExistException({
          message: `${input.filePath} does not exist`,
          ...meta,
        });
      return { fileContent: new Uint8Array(content) };
    });
    cc.on(CreateCommitCommand).callsFake(input => {
      this.beforeCommit?.();
      const tip = this.branches.get(input.branchName);
      if (tip !== input.parentCommitId) {
        throw new ParentCommitIdOutdatedException({
          message: `The tip of the branch is ${tip}`,
          ...meta,
        });
      }
      const before = tip
        ? this.commits.get(tip)!.files
        : new Map<string, Buffer>();
      const changed = input.putFiles.some(
        (f: any) => !before.get(f.filePath)?.equals(Buffer.from(f.fileContent)),
      );
      if (!changed)
        throw new NoChangeException({ message: 'no change', ...meta });
      const files: Record<string, string> = {};
      for (const f of input.putFiles)
        files[f.filePath] = Buffer.from(f.fileContent).toString('utf8');
      return { commitId: this.commit(input.branchName, files) };
    });
    cc.on(CreateBranchCommand).callsFake(input => {
      if (this.branches.has(input.branchName))
        throw new BranchNameExistsException({ message: 'exists', ...meta });
      this.branches.set(input.branchName, input.commitId);
      return {};
    });
    cc.on(ListPullRequestsCommand).callsFake(input => ({
      pullRequestIds: this.pullRequests
        .filter(p => p.status === input.pullRequestStatus)
        .map(p => p.id),
    }));
    cc.on(GetPullRequestCommand).callsFake(input => {
      const pr = this.pullRequests.find(p => p.id === input.pullRequestId)!;
      return {
        pullRequest: {
          pullRequestId: pr.id,
          pullRequestStatus: pr.status,
          pullRequestTargets: [
            {
              repositoryName: this.repositoryName,
              sourceReference: `refs/heads/${pr.source}`,
              destinationReference: `refs/heads/${pr.destination}`,
            },
          ],
        },
      };
    });
    cc.on(CreatePullRequestCommand).callsFake(input => {
      this.beforePullRequest?.();
      const existing = this.pullRequests.find(
        p => p.token && p.token === input.clientRequestToken,
      );
      if (existing) return { pullRequest: { pullRequestId: existing.id } };
      const id = String(this.pullRequests.length + 1);
      this.pullRequests.push({
        id,
        source: input.targets[0].sourceReference,
        destination: input.targets[0].destinationReference,
        status: 'OPEN',
        token: input.clientRequestToken,
      });
      return { pullRequest: { pullRequestId: id } };
    });
  }
}
