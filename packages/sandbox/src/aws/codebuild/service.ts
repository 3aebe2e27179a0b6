/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { StateStore } from '../../state/StateStore';

/** A build of the CodeBuild stand-in (see README "Image builds"). */
export interface BuildRecord {
  buildId: string;
  repositoryName: string;
  branch: string;
  commitId: string;
  startedAt: string;
  status: 'SUCCEEDED' | 'FAILED';
  /** Image repository and tags on success. */
  imageRepository?: string;
  imageTags?: string[];
  /** Why the build failed or produced no image. */
  message: string;
}

/** The build records' slice of `aws.json`. */
export interface BuildsState {
  builds: BuildRecord[];
}

/** At most this many builds are kept (oldest dropped first). */
const MAX_BUILDS = 1000;

/** The CodeBuild stand-in's build records (`world.builds`); the builds themselves run in `src/git/imageBuilds.ts`. */
export class BuildRecords {
  constructor(private readonly store: StateStore<BuildsState>) {}

  list(repositoryName?: string): BuildRecord[] {
    return this.store.state.builds.filter(
      b => !repositoryName || b.repositoryName === repositoryName,
    );
  }

  /** Records a build and emits 'build'. */
  record(build: BuildRecord): void {
    const builds = this.store.state.builds;
    builds.push(build);
    if (builds.length > MAX_BUILDS) {
      builds.splice(0, builds.length - MAX_BUILDS);
    }
    this.store.changed();
    this.store.events.emit('build', build);
  }
}
