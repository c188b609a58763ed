import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import type { ServerConfig } from '@keel/server';

/**
 * `keel server --workers N`: a primary process that forks N server processes sharing the port
 * (node:cluster hands connections to them in turn), so the gateway uses every core. The first
 * worker starts alone (it creates the database schema, the admin key and the secret key), then the
 * others. A worker that dies is replaced; SIGTERM or SIGINT drains every worker, then exits.
 *
 * Several processes must share the gateway's limit counters, so this needs KEEL_REDIS_URL.
 */
export function runServerWorkers(config: ServerConfig): void {
  if (config.redisUrl === undefined) {
    process.stderr.write('keel: --workers above 1 needs KEEL_REDIS_URL: the gateway\'s rate limits and budgets must be counted in one place shared by the worker processes\n');
    process.exit(2);
  }
  let stopping = false;
  // Every worker accepts the same one-time web UI sign-in token (once each: see decision 0007).
  const signInToken = randomBytes(24).toString('base64url');
  const fork = (index: number): Worker => {
    const worker = cluster.fork({ KEEL_WORKER_INDEX: String(index), KEEL_SIGN_IN_TOKEN: signInToken });
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      process.stderr.write(`keel: worker ${index} exited (${signal ?? code}); starting another\n`);
      fork(index);
    });
    return worker;
  };
  const first = fork(0);
  first.once('listening', (address) => {
    const host = address.address === undefined || address.address === null || address.address === '' ? config.host : address.address;
    process.stderr.write(`keel: ${config.workers} workers; web UI sign-in: http://${host.includes(':') ? `[${host}]` : host}:${address.port}/sign-in#token=${signInToken} (the link works once)\n`);
    for (let index = 1; index < config.workers; index += 1) fork(index);
  });
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`keel: ${signal} received, draining ${Object.keys(cluster.workers ?? {}).length} workers\n`);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
