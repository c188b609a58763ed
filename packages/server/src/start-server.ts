import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { createArtifactService, createAuthService, createSignInLinks, createRegistryService, createTraceIngestService, createTraceQueryService, createTrackingService, randomIds, systemClock } from '@keel/core';
import { createPromptService } from '@keel/core';
import { createGatewayConfigService, createSecretBox, createUsageRecorder } from '@keel/core';
import { createLocalArtifactStore, openStore } from '@keel/store';
import type { AppServices } from './app-services.ts';
import { createApp, type KeelApp } from './create-app.ts';
import { createHttpMetrics } from './http/http-metrics.ts';
import { findKeelConfigFile, gatewayConfigsOf, loadKeelConfigFile } from './gateway/load-keel-config-file.ts';
import { startGatewayConfigJobs } from './gateway/start-gateway-config-jobs.ts';
import { loadSecretKey } from './load-secret-key.ts';
import { startRetentionJob } from './start-retention-job.ts';
import { startSaturationMonitor } from './start-saturation-monitor.ts';
import type { ServerConfig } from './server-config.ts';
import { startGateway } from './gateway/start-gateway.ts';
import { z } from 'zod';
import { startSpanWriterIfUsable } from './spans/span-writer.ts';
import { findWebDir, loadWebUi } from './web/load-web-ui.ts';

export interface RunningServer extends KeelApp {
  url: string;
  /** The web UI's one-time sign-in link for the local administrator; undefined when the UI is not built. */
  signInUrl: string | undefined;
  /** The services behind the routes (tests drive what has no route of its own, e.g. recording gateway usage). */
  services: AppServices;
  /** Stops taking requests, lets in-flight ones finish, then closes the database. */
  close(): Promise<void>;
}

export const keelVersion = '0.1.0';

/** The composition root of `keel server`: the one place that picks adapters. */
export async function startServer(config: ServerConfig, options: { onLog?: pino.DestinationStream; /** Where gateway `{ env }` secrets are read; process.env by default. */ env?: Readonly<Record<string, string | undefined>>; /** Run the trace retention job (one worker of several runs it). Default true. */ retention?: boolean; /** The web UI's one-time sign-in token, when a primary process hands the same one to every worker. */ signInToken?: string } = {}): Promise<RunningServer> {
  const startedAt = performance.now();
  // Credentials never reach the log, even when an object holding one is logged by mistake.
  const redact = { paths: ['api_key', '*.api_key', '*.*.api_key', 'secret', '*.secret', '*.*.secret', 'headers.authorization', '*.headers.authorization'], censor: '[redacted]' };
  const logger = pino({ level: config.logLevel, base: { service: 'keel' }, redact }, options.onLog ?? pino.destination({ dest: 1, sync: false }));
  await mkdir(config.home, { recursive: true });
  // A bad secret key or config file stops the start before anything is opened.
  const secretKey = await loadSecretKey({ home: config.home, fromEnv: config.secretKey });
  const configFile = await findKeelConfigFile(config.home);
  const fileConfig = configFile === undefined ? undefined : gatewayConfigsOf(await loadKeelConfigFile(configFile));
  // The metric log is compacted in a worker thread with its own connection (ADR 0016), unless KEEL_METRIC_COMPACTOR_THREAD=0.
  const compactMetricsInThread = z.enum(['0', '1', '']).optional().parse(process.env.KEEL_METRIC_COMPACTOR_THREAD) !== '0';
  const store = await openStore({ databaseUrl: config.databaseUrl, compactMetricsInThread });
  const artifactStore = createLocalArtifactStore(config.artifactRoot);
  const saturation = startSaturationMonitor();
  // Trace spans are written from a worker thread with its own connection (ADR 0011): the gateway's
  // are masked, mapped and written there; OTLP rows are built here and inserted there.
  const spanWriter = startSpanWriterIfUsable(config.databaseUrl, process.env, logger);
  const traceIngest = createTraceIngestService({
    store: spanWriter === undefined ? store : { insertSpans: (rows) => spanWriter.insertSpans(rows), getTraceSettings: (projectId) => store.getTraceSettings(projectId) },
    clock: systemClock,
    maxQueuedSpans: config.traceQueueSpans,
    maxBatchSpans: 2_000,
    // The thread has the next batches in hand when it commits one, and joins them in its own group
    // commit (ADR 0018); on the main thread's store one write at a time is already a group commit.
    writesInFlight: spanWriter === undefined ? 1 : 8,
    retryAfterSeconds: 1,
    settingsTtlMs: 5_000,
    maxActiveRequests: config.traceMaxRequests,
    isSaturated: saturation.isSaturated,
  });
  const gatewayConfig = createGatewayConfigService({
    store, clock: systemClock, ids: randomIds, secretBox: createSecretBox(secretKey.key), env: options.env ?? process.env, logger,
    projects: { byName: (name) => store.getProjectByName(name), byId: async (id) => (await store.listProjects()).find((project) => project.id === id) },
    fileName: configFile ?? path.join(config.home, 'keel.config.yaml'),
  });
  const gatewayUsage = createUsageRecorder({ store, clock: systemClock, flushIntervalMs: 1_000, onError: (error) => logger.error({ err: error }, 'gateway usage could not be written; kept for the next flush') });
  const gateway = await startGateway({ configs: gatewayConfig, usage: gatewayUsage, traceIngest, spanWriter, redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, logger, version: keelVersion });
  const auth = createAuthService({ store, clock: systemClock, ids: randomIds });
  const services: AppServices = {
    store,
    auth,
    tracking: createTrackingService({ store, clock: systemClock, ids: randomIds }),
    registry: createRegistryService({ store, clock: systemClock, ids: randomIds }),
    artifacts: createArtifactService({ store, artifacts: artifactStore, maxArtifactBytes: config.maxArtifactBytes }),
    // Settings changed through the API reach the gateway's span writer thread too.
    traceIngest: {
      ...traceIngest,
      invalidateSettings: (projectId) => {
        traceIngest.invalidateSettings(projectId);
        spanWriter?.invalidateSettings(projectId);
      },
    },
    traces: createTraceQueryService({ store, clock: systemClock, ids: randomIds }),
    prompts: createPromptService({ store, clock: systemClock }),
    gatewayConfig,
    gatewayUsage,
    gateway: gateway.gateway,
    maxOtlpBytes: config.maxBodyBytes,
    maxSpansPerRequest: config.maxSpansPerRequest,
    metrics: createHttpMetrics(),
    webUi: await loadWebUi(config.webDir ?? findWebDir()),
    signInLinks: createSignInLinks({ auth, clock: systemClock, ids: randomIds }),
    version: keelVersion,
  };
  services.metrics.watchTraceIngest(() => services.traceIngest.stats());
  services.metrics.watchGateway(() => gateway.stats());
  const credentialsPath = path.join(config.home, 'credentials.json');
  const created = await services.auth.bootstrap(async (secret) => {
    // A new file renamed into place: it is 0600 even where an old credentials.json had another mode
    // (writeFile keeps an existing file's mode), and a crash never leaves half a file.
    const temporary = `${credentialsPath}.${randomUUID()}.tmp`;
    await writeFile(temporary, `${JSON.stringify({ project: 'default', api_key: secret }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temporary, credentialsPath);
  });
  if (created !== undefined) logger.info({ credentials: credentialsPath }, 'created project default and an admin API key');
  if (secretKey.source === 'generated') logger.info({ file: secretKey.file }, 'generated the key that encrypts provider credentials');
  // After bootstrap, so that a file naming project `default` finds it on the first start.
  const gatewayJobs = await startGatewayConfigJobs({ home: config.home, service: services.gatewayConfig, file: configFile, fileConfig, logger });
  const keelApp = await createApp({ services, logger, maxBodyBytes: config.maxBodyBytes });
  const address = await keelApp.app.listen({ host: config.host, port: config.port });
  const port = keelApp.app.server.address();
  const url = typeof port === 'object' && port !== null ? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port.port}` : address;
  logger.info({ url, database: store.dialect, home: config.home, ms: Math.round(performance.now() - startedAt) }, 'keel server ready');
  // As Jupyter prints its token URL: one click signs the local administrator in to the web UI. The
  // token sits in the fragment, which browsers never send to a server or in a Referer.
  const signInUrl = services.webUi.index === undefined ? undefined : `${url}/sign-in#token=${services.signInLinks.issue(options.signInToken)}`;
  if (signInUrl === undefined) logger.warn({ webDir: config.webDir ?? null }, 'the web UI is not built (npm run build): / answers 404');
  else logger.info({ signInUrl }, `web UI: open ${signInUrl} to sign in (the link works once)`);
  const retention = options.retention === false ? { stop: () => undefined, idle: async () => undefined } : startRetentionJob(store, config.retentionIntervalMs, logger);
  let closing: Promise<void> | undefined;
  return {
    ...keelApp,
    url,
    signInUrl,
    services,
    close: () => {
      closing ??= (async () => {
        retention.stop();
        saturation.stop();
        gatewayJobs.stop();
        await keelApp.app.close();
        await gateway.close();
        services.gatewayUsage.stop();
        await services.gatewayUsage.flush().catch((error: unknown) => logger.error({ err: error }, 'gateway usage could not be written at shutdown'));
        await services.traceIngest.drain();
        await spanWriter?.close();
        await retention.idle();
        await store.close();
        logger.info('keel server stopped');
        logger.flush();
      })();
      return closing;
    },
  };
}
