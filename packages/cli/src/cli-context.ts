import type { Command } from 'commander';
import type { FetchLike, KeelClient } from '@keel/sdk';

/** Where a command prints: process.stdout in the binary, a buffer in tests. */
export interface TextOutput {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
}

/** What the CLI takes from its process; injected so that tests run commands in-process. */
export interface CliIo {
  stdout: TextOutput;
  stderr: TextOutput;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Passed to the SDK client; globalThis.fetch when absent. */
  fetch?: FetchLike;
  /** Milliseconds, for progress rates; Date.now when absent. */
  now?: () => number;
}

/** What every API command needs. */
export interface CommandContext {
  client: KeelClient;
  stdout: TextOutput;
  stderr: TextOutput;
  cwd: string;
  now: () => number;
}

/** Builds the context for a command on first use, so that `keel server` and --help need no credentials. */
export type ContextFactory = (command: Command) => Promise<CommandContext>;
