import path from 'node:path';
import { z } from 'zod';

const byteSize = z.coerce.number().int().positive();

/** Settings of `keel server`, from flags and KEEL_* variables; validated once at start. */
export const serverConfigSchema = z.object({
  home: z.string().min(1),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(4000),
  databaseUrl: z.string().min(1).optional(),
  artifactRoot: z.string().min(1).optional(),
  maxBodyBytes: byteSize.default(16 * 1024 * 1024),
  maxArtifactBytes: byteSize.default(5 * 1024 * 1024 * 1024),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Spans accepted but not yet written; past this, OTLP requests answer 503 with Retry-After. */
  traceQueueSpans: z.coerce.number().int().positive().default(5_000),
  /** OTLP requests in progress at once; more answer 503 with Retry-After before their body is read. */
  traceMaxRequests: z.coerce.number().int().positive().default(16),
  /** Most spans one OTLP request may carry (413 above). */
  maxSpansPerRequest: z.coerce.number().int().positive().default(10_000),
  /** How often the trace retention job runs. */
  retentionIntervalMs: z.coerce.number().int().positive().default(60 * 60 * 1000),
  /** Encrypts provider credentials at rest: 32 bytes as base64 or hex; generated into <home>/secret.key when missing. */
  secretKey: z.string().optional(),
  /** Server processes sharing the port (node:cluster), to use every core; above 1 needs redisUrl. */
  workers: z.coerce.number().int().min(1).max(256).default(1),
  /** Scale-out: gateway limit counters and the exact response cache live here, shared by every server process. */
  redisUrl: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL').optional(),
  /** Names this deployment's keys in Redis, so that several deployments can share one Redis. */
  /** The built web UI (index.html and assets/); found next to the server by default. */
  webDir: z.string().min(1).optional(),
  redisPrefix: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - (at most 64)').default('keel'),
});

export type ServerConfigInput = z.input<typeof serverConfigSchema>;
export type ServerConfig = z.output<typeof serverConfigSchema> & { databaseUrl: string; artifactRoot: string };

export function resolveServerConfig(input: ServerConfigInput): ServerConfig {
  const parsed = serverConfigSchema.parse(input);
  const home = path.resolve(parsed.home);
  return {
    ...parsed,
    home,
    databaseUrl: parsed.databaseUrl ?? path.join(home, 'keel.db'),
    artifactRoot: path.resolve(parsed.artifactRoot ?? path.join(home, 'artifacts')),
  };
}

/** The variables `keel server` reads; flags override them. */
export function serverConfigFromEnv(env: NodeJS.ProcessEnv): ServerConfigInput {
  const pick = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  return {
    home: pick('KEEL_HOME') ?? '.keel',
    host: pick('KEEL_HOST'),
    port: pick('KEEL_PORT') as unknown as number | undefined,
    databaseUrl: pick('KEEL_DATABASE_URL'),
    artifactRoot: pick('KEEL_ARTIFACT_ROOT'),
    maxBodyBytes: pick('KEEL_MAX_BODY_BYTES') as unknown as number | undefined,
    maxArtifactBytes: pick('KEEL_MAX_ARTIFACT_BYTES') as unknown as number | undefined,
    logLevel: pick('KEEL_LOG_LEVEL') as ServerConfigInput['logLevel'],
    traceQueueSpans: pick('KEEL_TRACE_QUEUE_SPANS') as unknown as number | undefined,
    maxSpansPerRequest: pick('KEEL_MAX_SPANS_PER_REQUEST') as unknown as number | undefined,
    traceMaxRequests: pick('KEEL_TRACE_MAX_REQUESTS') as unknown as number | undefined,
    retentionIntervalMs: pick('KEEL_RETENTION_INTERVAL_MS') as unknown as number | undefined,
    secretKey: pick('KEEL_SECRET_KEY'),
    redisUrl: pick('KEEL_REDIS_URL'),
    redisPrefix: pick('KEEL_REDIS_PREFIX'),
    webDir: pick('KEEL_WEB_DIR'),
    workers: pick('KEEL_WORKERS') as unknown as number | undefined,
  };
}
