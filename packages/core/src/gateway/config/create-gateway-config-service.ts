import { createHash } from 'node:crypto';
import {
  type GatewayConfig, type GatewayConfigAnswer, type GatewayKeyRecord, type GatewayStore, KeelError, type Project, type StoredGatewayConfig, type WireGatewayKey,
  createGatewayKeySchema, gatewayConfigSchema, hasErrorCode,
} from '@keel/spec';
import type { z } from 'zod';
import type { Clock, IdGenerator } from '../../ports.ts';
import type { SecretBox } from '../../secrets/create-secret-box.ts';
import type { GatewayConfigSource, ResolvedGatewayConfig, VirtualKeyAuthenticator, VirtualKeyPrincipal } from '../resolved-gateway-config.ts';
import { createSingleFlightCache } from '../../cache/single-flight-cache.ts';
import { formatConfigIssues, listConfigIssues } from './format-config-issues.ts';
import { redactGatewayConfig } from './redact-gateway-config.ts';
import { resolveGatewayConfig } from './resolve-gateway-config.ts';
import { resolveSecret } from './resolve-secret.ts';

/** How the service finds projects (the file names them; principals carry their names). */
export interface GatewayProjectLookup {
  byId(projectId: number): Promise<Project | undefined>;
  byName(name: string): Promise<Project | undefined>;
}

export interface GatewayConfigLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface GatewayConfigServiceDeps {
  /** The configuration and key part of the store (usage is the recorder's). */
  store: Omit<GatewayStore, 'addGatewayUsage' | 'queryGatewayUsage'>;
  clock: Clock;
  ids: IdGenerator;
  secretBox: SecretBox;
  /** Where `{ env: NAME }` secrets are read (process.env in the server). */
  env: Readonly<Record<string, string | undefined>>;
  projects: GatewayProjectLookup;
  /** Gateway documents of the config file, by project name: those projects are managed by the file. */
  fileConfig?: ReadonlyMap<string, GatewayConfig>;
  /** The config file's path, named in messages. */
  fileName?: string;
  /** How long an authenticated virtual key is remembered: a key revoked by another server stops working here within this time (default 2 s). */
  keyCacheMs?: number;
  logger?: GatewayConfigLogger;
}

export interface CreatedGatewayKey {
  key: WireGatewayKey;
  /** Shown once; only its hash is stored. */
  secret: string;
}

export interface GatewayConfigService extends GatewayConfigSource, VirtualKeyAuthenticator {
  /** The project's document as a read shows it: credentials and key secrets `{ redacted: true }`. */
  getRedacted(projectId: number): Promise<GatewayConfigAnswer>;
  /**
   * Validates and stores a new document: literal credentials are sealed, `{ redacted: true }` keeps
   * the stored credential of the provider of the same name, `{ env }` stays a reference, and the
   * `keys[]` entry of a live API-issued key left out of the document is kept. With
   * `expectedVersion` (0: none stored yet) a stale write answers RESOURCE_CONFLICT.
   */
  put(projectId: number, input: unknown, expectedVersion?: number): Promise<GatewayConfigAnswer>;
  /** Issues a virtual key and adds (or updates) its entry in `keys[]`; ALREADY_EXISTS while a live key has the name. */
  createKey(projectId: number, input: unknown): Promise<CreatedGatewayKey>;
  listKeys(projectId: number): Promise<WireGatewayKey[]>;
  /** Revokes the live key of that name; it stops working at once here, within `keyCacheMs` elsewhere. */
  revokeKey(projectId: number, name: string): Promise<void>;
  /** Drops cached documents another server has changed since; the server calls it every 2 s. */
  refresh(): Promise<void>;
  /** Replaces the config file's documents (a reload). Returns the project names that name no project (ignored). */
  setFileConfig(fileConfig: ReadonlyMap<string, GatewayConfig>, fileName?: string): Promise<{ unknownProjects: string[] }>;
}

export const virtualKeyPrefix = 'keel-vk-';

interface FileProject {
  projectId: number;
  projectName: string;
  config: GatewayConfig;
  version: string;
  resolved?: ResolvedGatewayConfig;
}

const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');
const documentHash = (config: GatewayConfig): string => createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
const maxPutAttempts = 5;

function invalidConfig(error: z.ZodError): KeelError {
  return new KeelError('INVALID_PARAMETER_VALUE', `Invalid gateway configuration: ${formatConfigIssues(error)}`, { details: { issues: listConfigIssues(error).slice(0, 20) } });
}

/** Parses a stored document; one that no longer parses (a newer schema) is a server fault, not the caller's. */
function parseStored(stored: StoredGatewayConfig): GatewayConfig {
  const parsed = gatewayConfigSchema.safeParse(stored.document);
  if (!parsed.success) throw new KeelError('INTERNAL_ERROR', `The stored gateway configuration of project ${stored.projectId} is invalid: ${formatConfigIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * Gateway configuration from the database and the config file, with resolved documents cached per
 * version (the request pipeline caches what it builds by the document's identity), and virtual
 * key authentication with a short cache.
 */
export function createGatewayConfigService(deps: GatewayConfigServiceDeps): GatewayConfigService {
  const { store, clock, ids, secretBox, env, projects } = deps;
  const keyCacheMs = deps.keyCacheMs ?? 2_000;
  let fileName = deps.fileName ?? 'keel.config.yaml';

  // Database documents, resolved, by project: `version` is the stored one (0: none stored).
  const databaseCache = new Map<number, Promise<{ version: number; resolved: ResolvedGatewayConfig | null }>>();
  const principals = createSingleFlightCache<VirtualKeyPrincipal>(keyCacheMs, () => clock.now());
  const projectNames = new Map<number, string>();

  let fileSource: ReadonlyMap<string, GatewayConfig> = new Map();
  let fileProjects = new Map<number, FileProject>();
  let fileKeys = new Map<string, VirtualKeyPrincipal>();
  let unknownFileProjects: string[] = [];
  let fileReady: Promise<unknown> = Promise.resolve();

  const warn = (details: Record<string, unknown>, message: string): void => deps.logger?.warn(details, message);

  async function applyFileConfig(source: ReadonlyMap<string, GatewayConfig>): Promise<{ unknownProjects: string[] }> {
    const nextProjects = new Map<number, FileProject>();
    const nextKeys = new Map<string, VirtualKeyPrincipal>();
    const unknown: string[] = [];
    for (const [projectName, config] of source) {
      const project = await projects.byName(projectName);
      if (project === undefined) {
        unknown.push(projectName);
        continue;
      }
      const version = `file:${documentHash(config)}`;
      const previous = fileProjects.get(project.id);
      // An unchanged document keeps its resolved object, so the pipeline keeps what it built from it.
      nextProjects.set(project.id, previous !== undefined && previous.version === version ? previous : { projectId: project.id, projectName, config, version });
      for (const key of config.keys) {
        if (key.secret === undefined) continue;
        const secret = resolveSecret(key.secret, env, secretBox);
        if (secret.error !== undefined) {
          warn({ project: projectName, key: key.name, file: fileName }, `virtual key '${key.name}' of project '${projectName}' cannot be used: ${secret.error}`);
          continue;
        }
        nextKeys.set(hashSecret(secret.value), { projectId: project.id, projectName, keyName: key.name });
      }
    }
    fileSource = source;
    fileProjects = nextProjects;
    fileKeys = nextKeys;
    unknownFileProjects = unknown;
    principals.forget();
    return { unknownProjects: unknown };
  }

  function setFileConfig(source: ReadonlyMap<string, GatewayConfig>, name?: string): Promise<{ unknownProjects: string[] }> {
    if (name !== undefined) fileName = name;
    // Reloads run one after another, so an older file never replaces a newer one.
    const applied = fileReady.then(() => applyFileConfig(source));
    fileReady = applied.catch(() => undefined);
    return applied;
  }
  if (deps.fileConfig !== undefined) void setFileConfig(deps.fileConfig).catch((error: unknown) => warn({ error: String(error), file: fileName }, 'the gateway config file could not be applied'));

  const managedByFile = (projectId: number): FileProject | undefined => fileProjects.get(projectId);
  const fileConflict = (file: FileProject): KeelError =>
    new KeelError('RESOURCE_CONFLICT', `The gateway of project '${file.projectName}' is configured by ${fileName}; change that file instead`);

  async function projectName(projectId: number): Promise<string> {
    const known = projectNames.get(projectId);
    if (known !== undefined) return known;
    const project = await projects.byId(projectId);
    const name = project?.name ?? String(projectId);
    if (project !== undefined) projectNames.set(projectId, name);
    return name;
  }

  const resolveStored = (stored: StoredGatewayConfig): ResolvedGatewayConfig =>
    resolveGatewayConfig(parseStored(stored), { projectId: stored.projectId, version: `db:${stored.version}`, env, secretBox });

  function loadDatabase(projectId: number): Promise<{ version: number; resolved: ResolvedGatewayConfig | null }> {
    let entry = databaseCache.get(projectId);
    if (entry === undefined) {
      entry = store.getGatewayConfig(projectId).then((stored) => (stored === null ? { version: 0, resolved: null } : { version: stored.version, resolved: resolveStored(stored) }));
      databaseCache.set(projectId, entry);
      // A failed read is not remembered.
      entry.catch(() => {
        if (databaseCache.get(projectId) === entry) databaseCache.delete(projectId);
      });
    }
    return entry;
  }

  async function answerFor(projectId: number): Promise<GatewayConfigAnswer> {
    await fileReady;
    const file = managedByFile(projectId);
    const stored = await store.getGatewayConfig(projectId);
    if (file !== undefined) return { source: 'file', version: stored?.version ?? 0, file: fileName, config: redactGatewayConfig(file.config) };
    if (stored === null) return { source: 'none', version: 0, config: gatewayConfigSchema.parse({}) };
    return { source: 'database', version: stored.version, config: redactGatewayConfig(parseStored(stored)) };
  }

  /** The document to store: literal credentials sealed, redacted ones taken from what is stored. */
  function sealCredentials(config: GatewayConfig, current: GatewayConfig | undefined): GatewayConfig {
    const storedKeys = new Map((current?.providers ?? []).map((provider) => [provider.name, provider.api_key]));
    const providers = config.providers.map((provider, index) => {
      const apiKey = provider.api_key;
      if (apiKey === undefined) return provider;
      if (typeof apiKey === 'string') return { ...provider, api_key: { encrypted: secretBox.seal(apiKey) } };
      if ('redacted' in apiKey) {
        const kept = storedKeys.get(provider.name);
        if (kept === undefined) {
          throw new KeelError('INVALID_PARAMETER_VALUE', `Invalid gateway configuration: providers[${index}].api_key: provider '${provider.name}' has no stored credential to keep; send the key itself or { "env": "VARIABLE" }`);
        }
        return { ...provider, api_key: kept };
      }
      if ('encrypted' in apiKey) {
        try {
          secretBox.open(apiKey.encrypted);
        } catch {
          throw new KeelError('INVALID_PARAMETER_VALUE', `Invalid gateway configuration: providers[${index}].api_key: this encrypted value was not sealed with this server's secret key`);
        }
      }
      return provider;
    });
    return { ...config, providers };
  }

  /** Stores `change(current)`, retrying when another write lands in between (unless the caller named a version). */
  async function writeDocument(projectId: number, change: (current: GatewayConfig | undefined) => GatewayConfig | undefined, expectedVersion?: number): Promise<StoredGatewayConfig | null> {
    for (let attempt = 1; ; attempt += 1) {
      const stored = await store.getGatewayConfig(projectId);
      const currentVersion = stored?.version ?? 0;
      if (expectedVersion !== undefined && expectedVersion !== currentVersion) {
        throw new KeelError('RESOURCE_CONFLICT', `The gateway configuration is at version ${currentVersion}, not ${expectedVersion}: read it again and retry`, { details: { version: currentVersion } });
      }
      const next = change(stored === null ? undefined : parseStored(stored));
      if (next === undefined) return stored;
      try {
        const written = await store.putGatewayConfig(projectId, next, clock.now(), expectedVersion ?? currentVersion);
        const resolved = resolveGatewayConfig(next, { projectId, version: `db:${written.version}`, env, secretBox });
        databaseCache.set(projectId, Promise.resolve({ version: written.version, resolved }));
        return written;
      } catch (error) {
        if (!hasErrorCode(error, 'RESOURCE_CONFLICT') || expectedVersion !== undefined || attempt >= maxPutAttempts) throw error;
      }
    }
  }

  function forgetPrincipals(projectId: number, keyName: string): void {
    principals.forget((principal) => principal.projectId === projectId && principal.keyName === keyName);
  }

  return {
    async get(projectId) {
      await fileReady;
      const file = managedByFile(projectId);
      if (file !== undefined) {
        file.resolved ??= resolveGatewayConfig(file.config, { projectId, version: file.version, env, secretBox });
        return file.resolved;
      }
      return (await loadDatabase(projectId)).resolved;
    },

    async authenticate(secret) {
      if (secret === '' || secret.length > 512) return null;
      return principals.get(secret, async () => {
        await fileReady;
        const hash = hashSecret(secret);
        const fromFile = fileKeys.get(hash);
        if (fromFile !== undefined) return fromFile;
        const record = await store.findGatewayKeyByHash(hash);
        return record === null ? null : { projectId: record.projectId, projectName: await projectName(record.projectId), keyName: record.name };
      });
    },

    getRedacted: answerFor,

    async put(projectId, input, expectedVersion) {
      await fileReady;
      const file = managedByFile(projectId);
      if (file !== undefined) throw fileConflict(file);
      const parsed = gatewayConfigSchema.safeParse(input);
      if (!parsed.success) throw invalidConfig(parsed.error);
      const withSecret = parsed.data.keys.findIndex((key) => key.secret !== undefined);
      if (withSecret >= 0) {
        throw new KeelError('INVALID_PARAMETER_VALUE', `Invalid gateway configuration: keys[${withSecret}].secret: only the config file may hold a key's secret; issue keys with POST /api/v1/gateway/keys`);
      }
      // A live key issued through the API keeps its entry (models, limits) when the document leaves
      // it out, so that a document written without `keys` never lifts a key's limits.
      const liveKeys = new Set((await store.listGatewayKeys(projectId)).filter((key) => key.revokedAt === null).map((key) => key.name));
      await writeDocument(projectId, (current) => {
        const sealed = sealCredentials(parsed.data, current);
        const named = new Set(sealed.keys.map((key) => key.name));
        const kept = (current?.keys ?? []).filter((key) => liveKeys.has(key.name) && !named.has(key.name));
        return kept.length === 0 ? sealed : { ...sealed, keys: [...sealed.keys, ...kept] };
      }, expectedVersion);
      return answerFor(projectId);
    },

    async createKey(projectId, input) {
      await fileReady;
      const file = managedByFile(projectId);
      if (file !== undefined) throw fileConflict(file);
      const parsed = createGatewayKeySchema.safeParse(input);
      if (!parsed.success) throw new KeelError('INVALID_PARAMETER_VALUE', `Invalid virtual key: ${formatConfigIssues(parsed.error)}`, { details: { issues: listConfigIssues(parsed.error).slice(0, 20) } });
      const { name, models, limits } = parsed.data;
      if ((await store.listGatewayKeys(projectId)).some((key) => key.name === name && key.revokedAt === null)) {
        throw new KeelError('ALREADY_EXISTS', `A live virtual key named '${name}' exists; revoke it first to issue a new one`);
      }
      let entry: GatewayConfig['keys'][number] = { name };
      await writeDocument(projectId, (current) => {
        const config = current ?? gatewayConfigSchema.parse({});
        const existing = config.keys.find((key) => key.name === name);
        entry = { ...existing, name, ...(models === undefined ? {} : { models }), ...(limits === undefined ? {} : { limits }) };
        if (existing !== undefined && JSON.stringify(existing) === JSON.stringify(entry)) return undefined;
        const keys = existing === undefined ? [...config.keys, entry] : config.keys.map((key) => (key.name === name ? entry : key));
        return { ...config, keys };
      });
      const secret = `${virtualKeyPrefix}${ids.secret(40)}`;
      const record: GatewayKeyRecord = { id: `gwk_${ids.secret(16)}`, projectId, name, prefix: secret.slice(0, virtualKeyPrefix.length + 6), createdAt: clock.now(), revokedAt: null };
      await store.createGatewayKey(record, hashSecret(secret));
      return { key: toWireKey(record, entry), secret };
    },

    async listKeys(projectId) {
      await fileReady;
      const file = managedByFile(projectId);
      const config = file?.config ?? (await answerFor(projectId)).config;
      const entries = new Map(config.keys.map((key) => [key.name, key]));
      const issued = (await store.listGatewayKeys(projectId)).map((record) => toWireKey(record, entries.get(record.name)));
      const declared = (file?.config.keys ?? [])
        .filter((key) => key.secret !== undefined)
        .map((key): WireGatewayKey => ({ name: key.name, source: 'file', prefix: null, created_at: null, revoked_at: null, ...policyOf(key) }));
      return [...declared, ...issued];
    },

    async revokeKey(projectId, name) {
      await fileReady;
      const revoked = await store.revokeGatewayKey(projectId, name, clock.now());
      forgetPrincipals(projectId, name);
      if (revoked) return;
      const file = managedByFile(projectId);
      if (file?.config.keys.some((key) => key.name === name && key.secret !== undefined)) {
        throw new KeelError('RESOURCE_CONFLICT', `Virtual key '${name}' is declared in ${fileName}; remove it from that file instead`);
      }
      throw new KeelError('RESOURCE_DOES_NOT_EXIST', `No live virtual key named '${name}'`);
    },

    async refresh() {
      const versions = new Map((await store.listGatewayConfigVersions()).map((entry) => [entry.projectId, entry.version]));
      for (const [projectId, entry] of databaseCache) {
        let cached: { version: number };
        try {
          cached = await entry;
        } catch {
          continue;
        }
        if ((versions.get(projectId) ?? 0) !== cached.version && databaseCache.get(projectId) === entry) databaseCache.delete(projectId);
      }
      // Projects named in the file may have been created since.
      if (unknownFileProjects.length > 0) {
        const names = new Set(unknownFileProjects);
        let found = false;
        for (const name of names) if ((await projects.byName(name)) !== undefined) found = true;
        if (found) await setFileConfig(fileSource);
      }
    },

    setFileConfig,
  };
}

function policyOf(key: GatewayConfig['keys'][number] | undefined): Pick<WireGatewayKey, 'models' | 'limits'> {
  return { ...(key?.models === undefined ? {} : { models: key.models }), ...(key?.limits === undefined ? {} : { limits: key.limits }) };
}

function toWireKey(record: GatewayKeyRecord, entry: GatewayConfig['keys'][number] | undefined): WireGatewayKey {
  return { name: record.name, source: 'api', prefix: record.prefix, created_at: record.createdAt, revoked_at: record.revokedAt, ...policyOf(entry) };
}
