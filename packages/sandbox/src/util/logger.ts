/*
 * Copyright 2026 The Crawler Platform Authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** The logger the sandbox's servers write one line per request to. Never receives credentials. */
export interface SandboxLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

/** A logger that drops everything (the default when none is injected). */
export const silentLogger: SandboxLogger = {
  info() {},
  warn() {},
  error() {},
};
