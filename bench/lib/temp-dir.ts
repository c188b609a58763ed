import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A fresh directory under the OS temp dir (a fresh KEEL_HOME, a raw database). */
export function makeTempDir(label: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `keel-bench-${label}-`));
}

/** Removes a directory made by makeTempDir, unless KEEL_BENCH_KEEP=1 asks to keep it for a look. */
export async function removeTempDir(dir: string): Promise<void> {
  if (process.env.KEEL_BENCH_KEEP === '1') {
    process.stderr.write(`  kept ${dir}\n`);
    return;
  }
  await rm(dir, { recursive: true, force: true });
}
