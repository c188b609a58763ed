import cluster from 'node:cluster';
import type { Command } from 'commander';
import { resolveServerConfig, serverConfigFromEnv, startServer } from '@keel/server';
import { runServerWorkers } from './run-server-workers.ts';

export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('Start Keel (embedded SQLite under $KEEL_HOME unless KEEL_DATABASE_URL names PostgreSQL)')
    .option('--home <dir>', 'data directory (KEEL_HOME, default ./.keel)')
    .option('--host <host>', 'address to bind (KEEL_HOST, default 127.0.0.1)')
    .option('--port <port>', 'port (KEEL_PORT, default 4000)')
    .option('--database-url <url>', 'postgres://... or a SQLite file (KEEL_DATABASE_URL)')
    .option('--artifact-root <dir>', 'where artifacts are stored (KEEL_ARTIFACT_ROOT, default $KEEL_HOME/artifacts)')
    .option('--max-body-bytes <n>', 'largest JSON body (KEEL_MAX_BODY_BYTES, default 16 MiB)')
    .option('--max-artifact-bytes <n>', 'largest artifact (KEEL_MAX_ARTIFACT_BYTES, default 5 GiB)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug (KEEL_LOG_LEVEL, default info)')
    .option('--trace-queue-spans <n>', 'spans accepted but not yet written before OTLP answers 503 (KEEL_TRACE_QUEUE_SPANS, default 5000)')
    .option('--trace-max-requests <n>', 'OTLP requests in progress at once before 503 (KEEL_TRACE_MAX_REQUESTS, default 16)')
    .option('--max-spans-per-request <n>', 'most spans in one OTLP request (KEEL_MAX_SPANS_PER_REQUEST, default 10000)')
    .option('--retention-interval-ms <n>', 'how often trace retention runs (KEEL_RETENTION_INTERVAL_MS, default 1 hour)')
    .option('--web-dir <dir>', 'the built web UI to serve at / (KEEL_WEB_DIR, default dist/web beside the server)')
    .option('--workers <n>', 'server processes sharing the port, to use every core; above 1 needs KEEL_REDIS_URL (KEEL_WORKERS, default 1)')
    .action(async (flags: Record<string, string | undefined>) => {
      const fromEnv = serverConfigFromEnv(process.env);
      const defined = Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined));
      const config = resolveServerConfig({ ...fromEnv, ...defined });
      if (config.workers > 1 && cluster.isPrimary) {
        runServerWorkers(config);
        return;
      }
      // In a worker, only the first runs the retention job; the primary forwards SIGTERM.
      const signInToken = cluster.isWorker ? process.env.KEEL_SIGN_IN_TOKEN : undefined;
      const server = await startServer(config, { retention: !cluster.isWorker || process.env.KEEL_WORKER_INDEX === '0', ...(signInToken === undefined ? {} : { signInToken }) });
      // As Jupyter prints its token URL (the primary prints it when there are workers).
      if (!cluster.isWorker && server.signInUrl !== undefined) process.stderr.write(`keel: web UI at ${server.url}; sign in with ${server.signInUrl} (the link works once)\n`);
      const stop = (signal: string) => {
        process.stderr.write(`keel: ${signal} received, draining requests\n`);
        server.close().then(
          () => process.exit(0),
          (error: unknown) => {
            process.stderr.write(`keel: shutdown failed: ${String(error)}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
}
