import type { FetchLike } from '@keel/sdk';
import { runCli } from './run-cli.ts';

export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Test support: runs `keel <args>` in-process with its output captured. */
export async function captureCli(
  args: readonly string[],
  options: { env: Record<string, string | undefined>; cwd?: string; stderrIsTTY?: boolean; fetch?: FetchLike; now?: () => number },
): Promise<CapturedRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.stderrIsTTY ?? false },
    env: options.env,
    cwd: options.cwd ?? process.cwd(),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return { code, stdout, stderr };
}
