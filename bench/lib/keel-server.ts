import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.ts';
import { type ServerProcess, spawnServer } from './server-process.ts';

/** The bundle benchmarks start: dist/keel.mjs, or KEEL_BENCH_BUNDLE (a build made with `node scripts/build.mjs --outfile=PATH`). */
export const keelBundle = process.env.KEEL_BENCH_BUNDLE !== undefined && process.env.KEEL_BENCH_BUNDLE !== '' ? path.resolve(process.env.KEEL_BENCH_BUNDLE) : fileURLToPath(new URL('../../dist/keel.mjs', import.meta.url));

export interface KeelServer extends ServerProcess {
  home: string;
  apiKey: string;
}

export interface KeelServerOptions {
  home: string;
  /** KEEL_DATABASE_URL; SQLite at <home>/keel.db when absent. */
  databaseUrl?: string;
  /** A bundle other than `keelBundle` (its span writer beside it, as `node scripts/build.mjs --outfile=PATH` writes them). */
  bundle?: string;
  /** Node flags for the server process, before KEEL_BENCH_NODE_ARGS (space-separated, for every server a bench starts). */
  nodeArgs?: readonly string[];
}

/**
 * `node dist/keel.mjs server` as a user starts it, on a free port. With KEEL_BENCH_CPU_PROF=<dir>
 * the server runs with --cpu-prof and writes a profile there when it stops.
 */
export async function startKeelServer(options: KeelServerOptions): Promise<KeelServer> {
  const bundle = options.bundle === undefined ? keelBundle : path.resolve(options.bundle);
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run node scripts/build.mjs first (npm run bench does)`);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, KEEL_HOME: options.home, KEEL_PORT: String(port), KEEL_LOG_LEVEL: 'warn' };
  delete env.KEEL_DATABASE_URL;
  if (options.databaseUrl !== undefined) env.KEEL_DATABASE_URL = options.databaseUrl;
  const profileDir = process.env.KEEL_BENCH_CPU_PROF;
  const nodeArgs = profileDir === undefined || profileDir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`, ...(process.env.KEEL_BENCH_CPU_PROF_INTERVAL ? [`--cpu-prof-interval=${process.env.KEEL_BENCH_CPU_PROF_INTERVAL}`] : [])];
  const extraArgs = [...(options.nodeArgs ?? []), ...(process.env.KEEL_BENCH_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '')];
  const server = await spawnServer({ args: [...nodeArgs, ...extraArgs, bundle, 'server'], env, port, readyPath: '/health' });
  const credentials = JSON.parse(await readFile(path.join(options.home, 'credentials.json'), 'utf8')) as { api_key?: string };
  if (typeof credentials.api_key !== 'string') throw new Error(`no api_key in ${options.home}/credentials.json`);
  return { ...server, home: options.home, apiKey: credentials.api_key };
}
