// Builds what `keel` runs: the command (server, CLI) bundled into dist/keel.mjs, and the web UI
// into dist/web, which the server serves at /. Native and optional drivers stay external so that
// they load from node_modules only when used.
import path from 'node:path';
import { build } from 'esbuild';
import { build as buildWeb } from 'vite';

// --outfile=PATH bundles the command elsewhere (a private build for a benchmark: KEEL_BENCH_BUNDLE).
const outfile = process.argv.find((arg) => arg.startsWith('--outfile='))?.slice('--outfile='.length) ?? 'dist/keel.mjs';
// The gateway's span writer thread runs its own entry, beside the bundle and named after it
// (packages/server/src/spans/span-writer.ts looks for it there): dist/keel.mjs starts
// dist/keel-span-writer.mjs, so that private builds in one folder never share one.
// The metric compactor thread's entry likewise (packages/store/src/sql-store/metric-compactor.ts).
const besideBundle = (name) => path.join(path.dirname(outfile), `${path.basename(outfile, path.extname(outfile))}-${name}.mjs`);
const workerOutfile = besideBundle('span-writer');
const compactorOutfile = besideBundle('metric-compactor');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  external: ['better-sqlite3', 'pg', 'pg-native', '@electric-sql/pglite', 'pino', 'thread-stream', 'prom-client', 'node-llama-cpp'],
  banner: { js: "import { createRequire as keelCreateRequire } from 'node:module'; const require = keelCreateRequire(import.meta.url);" },
  logLevel: 'warning',
};
const started = Date.now();
await Promise.all([
  build({ ...common, entryPoints: ['packages/cli/src/main.ts'], outfile }),
  build({ ...common, entryPoints: ['packages/server/src/spans/span-writer-worker.ts'], outfile: workerOutfile }),
  build({ ...common, entryPoints: ['packages/store/src/sql-store/metric-compactor-worker.ts'], outfile: compactorOutfile }),
]);
console.log(`built ${outfile}, ${workerOutfile} and ${compactorOutfile} in ${Date.now() - started} ms`);

// Tests that spawn the bundled server rebuild only the bundle (--cli-only): dist/web is built once
// at install, and rebuilding it under running tests would pull files from under their servers.
if (process.argv.includes('--cli-only') || outfile !== 'dist/keel.mjs') process.exit(0);

const webStarted = Date.now();
await buildWeb({ configFile: 'packages/web/vite.config.ts', logLevel: 'warn' });
console.log(`built dist/web in ${Date.now() - webStarted} ms`);
