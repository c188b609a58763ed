import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { type RunningServer, resolveServerConfig, startServer } from '@keel/server';

export interface TestServer {
  url: string;
  home: string;
  /** The instance administrator key written to credentials.json at first start. */
  adminKey: string;
  server: RunningServer;
  /** Waits until every acknowledged write is in its final tables (the metric log drained), so row counts compare only what comes next. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** A real `keel server` on 127.0.0.1 with a random port and a fresh KEEL_HOME (SQLite unless databaseUrl is given). */
export async function startTestServer(options: {
  databaseUrl?: string; maxBodyBytes?: number; maxArtifactBytes?: number; retentionIntervalMs?: number; traceQueueSpans?: number; traceMaxRequests?: number;
  /** KEEL_SECRET_KEY (a key is generated into the home when missing). */
  secretKey?: string;
  /** Where gateway `{ env }` secrets are read (nothing from process.env by default). */
  env?: Record<string, string | undefined>;
  /** KEEL_REDIS_URL: gateway limit counters and the exact cache in Redis (the server does not start when it cannot reach it). */
  redisUrl?: string;
  /** Runs on the fresh KEEL_HOME before the server starts (e.g. to write keel.config.yaml). */
  prepareHome?: (home: string) => Promise<void>;
} = {}): Promise<TestServer> {
  const home = await mkdtemp(path.join(tmpdir(), 'keel-test-'));
  const { env = {}, prepareHome, ...serverOptions } = options;
  await prepareHome?.(home);
  const silent = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const server = await startServer(
    resolveServerConfig({ home, host: '127.0.0.1', port: 0, logLevel: 'warn', webDir: process.env.KEEL_WEB_DIR, ...serverOptions }),
    { onLog: silent, env },
  );
  const credentials = JSON.parse(await readFile(path.join(home, 'credentials.json'), 'utf8')) as { api_key: string };
  return {
    url: server.url,
    home,
    adminKey: credentials.api_key,
    server,
    settle: () => server.services.store.settle(),
    close: async () => {
      await server.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}
