/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * An error of an AWS stand-in, carrying the real exception name (`code`) and HTTP status so the protocol layer can
 * serialise it the way the real service does and the AWS SDK maps it to its typed exception.
 */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Extra members of the modelled exception (e.g. EKS `clusterName`). */
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = code;
  }
}
