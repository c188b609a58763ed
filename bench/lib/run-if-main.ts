import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Runs `main` when the module at `moduleUrl` is the script node was started with (`tsx bench/x.ts`). */
export function runIfMain(moduleUrl: string, main: () => Promise<unknown>): void {
  const script = process.argv[1];
  if (script === undefined || path.resolve(script) !== fileURLToPath(moduleUrl)) return;
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
