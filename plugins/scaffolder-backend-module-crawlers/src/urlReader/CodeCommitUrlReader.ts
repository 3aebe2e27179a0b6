/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import { Readable } from 'node:stream';
import { posix } from 'node:path';
import {
  CodeCommitClient,
  GetFileCommand,
  GetFolderCommand,
} from '@aws-sdk/client-codecommit';
import type {
  UrlReaderService,
  UrlReaderServiceReadTreeOptions,
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadUrlOptions,
  UrlReaderServiceReadUrlResponse,
  UrlReaderServiceSearchOptions,
  UrlReaderServiceSearchResponse,
} from '@backstage/backend-plugin-api';
import type { ReadTreeResponseFactory } from '@backstage/backend-defaults/urlReader';
import {
  assertError,
  ForwardedError,
  InputError,
  NotFoundError,
  NotModifiedError,
} from '@backstage/errors';
import { CodeCommitLocation, parseCodeCommitConsoleUrl } from './consoleUrl';

/** CodeCommit's answers that mean "nothing there" (a missing repository, ref, commit, file or folder). */
const NOT_FOUND = new Set([
  'RepositoryDoesNotExistException',
  'CommitDoesNotExistException',
  'BranchDoesNotExistException',
  'FileDoesNotExistException',
  'FolderDoesNotExistException',
]);

/** At most this many files in one tree read (each is a GetFile call). */
const MAX_TREE_FILES = 1000;

/**
 * Reads files and folders of CodeCommit repositories through the CodeCommit API (GetFile, GetFolder), addressed by
 * the console URLs `publish:codecommit` outputs (`repoContentsUrl` + `/<path>`), with the client the crawler actions
 * use — the same credentials and, unlike Backstage's `awsCodeCommit` reader, the configured endpoint
 * (`crawlers.aws.endpoints.codecommit`, `crawlers.aws.endpoint`), so that `catalog:register` can read a crawler's
 * `catalog-info.yaml` from a local stand-in as well as from AWS.
 */
export class CodeCommitUrlReader implements UrlReaderService {
  constructor(
    private readonly deps: {
      /** The CodeCommit client of a region (the configured one when undefined). */
      clientFor: (region?: string) => Promise<CodeCommitClient>;
      treeResponseFactory: ReadTreeResponseFactory;
      /** For `toString`: where the reader sends its calls. */
      description: string;
    },
  ) {}

  async readUrl(
    url: string,
    options?: UrlReaderServiceReadUrlOptions,
  ): Promise<UrlReaderServiceReadUrlResponse> {
    const location = this.parse(url);
    if (!location.path) {
      throw new InputError(
        `${url} names a folder of CodeCommit repository ${location.repositoryName}, not a file: append the file's path after /--/`,
      );
    }
    const client = await this.deps.clientFor(location.region);
    const file = await this.call(url, () =>
      client.send(
        new GetFileCommand({
          repositoryName: location.repositoryName,
          commitSpecifier: location.commitSpecifier,
          filePath: location.path,
        }),
        { abortSignal: options?.signal as any },
      ),
    );
    // The blob ID changes exactly when the file's content does.
    const etag = file.blobId;
    if (options?.etag && options.etag === etag) {
      throw new NotModifiedError();
    }
    const content = Buffer.from(file.fileContent ?? new Uint8Array());
    return {
      buffer: async () => content,
      stream: () => Readable.from([content]),
      etag,
    };
  }

  async readTree(
    url: string,
    options?: UrlReaderServiceReadTreeOptions,
  ): Promise<UrlReaderServiceReadTreeResponse> {
    const location = this.parse(url);
    const client = await this.deps.clientFor(location.region);
    const { commitId, files } = await this.listFiles(url, client, location);
    if (options?.etag && options.etag === commitId) {
      throw new NotModifiedError();
    }
    const wanted = files.filter(
      f =>
        !f.relativePath.split('/').some(s => s.startsWith('.')) &&
        (options?.filter?.(f.relativePath) ?? true),
    );
    const entries = [];
    for (const f of wanted) {
      const file = await this.call(url, () =>
        client.send(
          new GetFileCommand({
            repositoryName: location.repositoryName,
            commitSpecifier: commitId,
            filePath: f.absolutePath,
          }),
          { abortSignal: options?.signal as any },
        ),
      );
      entries.push({
        data: Readable.from([
          Buffer.from(file.fileContent ?? new Uint8Array()),
        ]),
        path: f.relativePath,
      });
    }
    const tree = await this.deps.treeResponseFactory.fromReadableArray(entries);
    // The factory's etag is empty for readable arrays: the commit read is the tree's version.
    return Object.assign(tree, { etag: commitId });
  }

  /** Search without wildcards: the file itself if it exists (as Backstage's own CodeCommit reader does). */
  async search(
    url: string,
    options?: UrlReaderServiceSearchOptions,
  ): Promise<UrlReaderServiceSearchResponse> {
    const location = this.parse(url);
    if (/[*?[\]{}]/.test(location.path)) {
      throw new InputError(
        `${url}: the CodeCommit reader searches exact paths only, without wildcards`,
      );
    }
    try {
      const file = await this.readUrl(url, options);
      return {
        files: [{ url, content: file.buffer }],
        etag: file.etag ?? '',
      };
    } catch (e) {
      assertError(e);
      if (e.name === 'NotFoundError') {
        return { files: [], etag: '' };
      }
      throw e;
    }
  }

  toString(): string {
    return `codecommit{${this.deps.description}}`;
  }

  private parse(url: string): CodeCommitLocation {
    const location = parseCodeCommitConsoleUrl(new URL(url));
    if (!location) {
      throw new InputError(
        `${url} is not a CodeCommit browse URL: expected <console>/codesuite/codecommit/repositories/<name>/browse/<ref>/--/<path>`,
      );
    }
    return location;
  }

  /** Every file under the location's folder (GetFolder, recursively), at one commit. */
  private async listFiles(
    url: string,
    client: CodeCommitClient,
    location: CodeCommitLocation,
  ) {
    const root = location.path;
    const files: Array<{ absolutePath: string; relativePath: string }> = [];
    let commitId = location.commitSpecifier;
    const folders = [root || '/'];
    while (folders.length) {
      const folderPath = folders.shift()!;
      const commitSpecifier = commitId;
      const res = await this.call(url, () =>
        client.send(
          new GetFolderCommand({
            repositoryName: location.repositoryName,
            commitSpecifier,
            folderPath,
          }),
        ),
      );
      // Pin the first answer's commit so the whole tree is read at one version.
      commitId = res.commitId ?? commitId;
      for (const f of res.files ?? []) {
        const absolutePath = f.absolutePath!;
        files.push({
          absolutePath,
          relativePath: root
            ? posix.relative(root, absolutePath)
            : absolutePath,
        });
      }
      folders.push(...(res.subFolders ?? []).map(s => s.absolutePath!));
      if (files.length > MAX_TREE_FILES) {
        throw new InputError(
          `${url} holds more than ${MAX_TREE_FILES} files; read a smaller folder`,
        );
      }
    }
    return { commitId: commitId ?? '', files };
  }

  /** Runs a CodeCommit call; "does not exist" answers become NotFoundError, others ForwardedError. */
  private async call<T>(url: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      assertError(e);
      if (NOT_FOUND.has(e.name)) {
        throw new NotFoundError(`${url} not found: ${e.message}`);
      }
      throw new ForwardedError(`Could not read ${url} from CodeCommit`, e);
    }
  }
}
