import {
  compilePromptContent, deletedPromptLabelSchema, type Page, type PromptMessage, promptDiffSchema, promptLabelHistorySchema, promptSummaryPageSchema, promptUsageSchema, promptVersionPageSchema,
  promptVersionSchema, setPromptLabelResultSchema, type WirePromptDiff, type WirePromptLabelEvent, type WirePromptSummary, type WirePromptUsage, type WirePromptVersion,
} from '@keel/spec';
import type { z } from 'zod';
import { type Transport, segment } from './create-transport.ts';

export type PromptVersion = WirePromptVersion;
export type PromptSummary = WirePromptSummary;
export type PromptDiff = WirePromptDiff;
export type PromptLabelEvent = WirePromptLabelEvent;
export type PromptUsage = WirePromptUsage;
export type { PromptMessage };

/** Values for `{{variables}}`: strings as they are, other values as JSON (numbers and booleans as text). */
export type PromptValues = Readonly<Record<string, unknown>>;

export type TextPrompt = Extract<PromptVersion, { type: 'text' }> & {
  /** The template with every declared variable filled; throws naming any declared variable missing. */
  compile(values?: PromptValues): string;
};
export type ChatPrompt = Extract<PromptVersion, { type: 'chat' }> & {
  /** The messages with every declared variable filled; throws naming any declared variable missing. */
  compile(values?: PromptValues): PromptMessage[];
};
/** A prompt version as `prompts.get` returns it: the version's fields, and `compile`. */
export type Prompt = TextPrompt | ChatPrompt;

export interface GetPromptOptions {
  /** A label (`production`, `staging`, ...); `latest` (the default) is the highest version. */
  label?: string;
  version?: number;
  /**
   * How long a fetched prompt is served without asking the server (default 60 000). After that the
   * cached copy is still served at once while a fresh one is fetched in the background; when that
   * fetch fails (server down, prompt gone) the cached copy keeps being served. 0 disables the cache.
   */
  cacheTtlMs?: number;
}

export type CreatePromptInput = {
  name: string;
  /** The `{{variables}}` the template uses; each must be used, and every one used must be declared. */
  variables?: string[];
  /** Model settings versioned with the template (model, temperature, ...). */
  config?: Record<string, unknown>;
  /** Labels to point at the new version (deploy on create). */
  labels?: string[];
  commitMessage?: string;
  authorName?: string;
} & ({ type: 'text'; template: string } | { type: 'chat'; messages: PromptMessage[] });

export interface PromptsApi {
  /** A prompt version, served from a stale-while-revalidate cache; see `GetPromptOptions.cacheTtlMs`. */
  get(name: string, options?: GetPromptOptions): Promise<Prompt>;
  /** The next version of a prompt (the prompt is made on its first version). */
  create(input: CreatePromptInput): Promise<PromptVersion>;
  /** Points `label` at `version`: a deploy, or a rollback. */
  setLabel(name: string, label: string, version: number): Promise<{ name: string; label: string; version: number; previousVersion: number | null }>;
  deleteLabel(name: string, label: string): Promise<void>;
  list(options?: { maxResults?: number; pageToken?: string }): Promise<Page<PromptSummary>>;
  /** Newest first. */
  listVersions(name: string, options?: { maxResults?: number; pageToken?: string }): Promise<Page<PromptVersion>>;
  /** Label moves, newest first. */
  history(name: string, options?: { limit?: number; label?: string }): Promise<PromptLabelEvent[]>;
  diff(name: string, from: number, to: number): Promise<PromptDiff>;
  /** Usage per version over traces that name the prompt; times in ms since the epoch, Dates or ISO text. */
  usage(name: string, window: { from: number | Date | string; to: number | Date | string }): Promise<PromptUsage>;
  /** Forgets every cached prompt. */
  clearCache(): void;
}

export interface PromptsApiOptions {
  /** Milliseconds, for cache ages; Date.now when absent (tests inject a clock). */
  now?: () => number;
}

interface CacheEntry {
  prompt: Prompt;
  fetchedAt: number;
  /** No background refresh before this time (set after a failed one, so a down server is not asked on every call). */
  quietUntil: number;
  refreshing: boolean;
}

const defaultTtlMs = 60_000;
const maxQuietMs = 5_000;

function withCompile(version: PromptVersion): Prompt {
  if (version.type === 'text') return { ...version, compile: (values: PromptValues = {}) => compilePromptContent(version, version.variables, values) };
  return { ...version, compile: (values: PromptValues = {}) => compilePromptContent(version, version.variables, values) };
}

const asTime = (value: number | Date | string): string => (value instanceof Date ? String(value.getTime()) : String(value));
const page = <T>(answer: { items: T[]; nextPageToken?: string | undefined }): Page<T> => ({ items: answer.items, nextPageToken: answer.nextPageToken });

export function createPromptsApi(transport: Transport, options: PromptsApiOptions = {}): PromptsApi {
  const now = options.now ?? Date.now;
  const cache = new Map<string, CacheEntry>();
  const inFlight = new Map<string, Promise<Prompt>>();
  const base = '/api/v1/prompts';
  const path = (name: string, rest = '') => `${base}/${segment(name)}${rest}`;
  const call = <T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', target: string, schema: z.ZodType<T>, extra: { json?: unknown; query?: Record<string, string | number | undefined> } = {}) =>
    transport.request({ method, path: target, schema, ...extra });

  const fetchPrompt = async (name: string, select: GetPromptOptions): Promise<Prompt> =>
    withCompile(await call('GET', path(name), promptVersionSchema, { query: { label: select.label, version: select.version } }));

  const fetchAndStore = (key: string, name: string, select: GetPromptOptions): Promise<Prompt> => {
    const shared = inFlight.get(key);
    if (shared !== undefined) return shared;
    const request = fetchPrompt(name, select).then((prompt) => {
      cache.set(key, { prompt, fetchedAt: now(), quietUntil: 0, refreshing: false });
      return prompt;
    });
    inFlight.set(key, request);
    // Cleared on either outcome; the caller handles the rejection.
    void request.then(() => inFlight.delete(key), () => inFlight.delete(key));
    return request;
  };

  const refreshInBackground = (key: string, entry: CacheEntry, name: string, select: GetPromptOptions, ttl: number): void => {
    entry.refreshing = true;
    fetchAndStore(key, name, select).then(
      () => undefined,
      // The stale copy stays in use; the caller asked for a prompt, not for news of the server.
      () => {
        entry.refreshing = false;
        entry.quietUntil = now() + Math.min(ttl, maxQuietMs);
      },
    );
  };

  return {
    get(name, select = {}) {
      const ttl = select.cacheTtlMs ?? defaultTtlMs;
      if (ttl <= 0) return fetchPrompt(name, select);
      const key = select.version !== undefined ? `${name}\u0000v${select.version}` : `${name}\u0000l${select.label ?? ''}`;
      const entry = cache.get(key);
      if (entry === undefined) return fetchAndStore(key, name, select);
      const time = now();
      if (time - entry.fetchedAt >= ttl && !entry.refreshing && time >= entry.quietUntil) refreshInBackground(key, entry, name, select, ttl);
      return Promise.resolve(entry.prompt);
    },
    create: (input) => call('POST', base, promptVersionSchema, { json: input }),
    setLabel: (name, label, version) => call('PUT', path(name, `/labels/${segment(label)}`), setPromptLabelResultSchema, { json: { version } }),
    async deleteLabel(name, label) {
      await call('DELETE', path(name, `/labels/${segment(label)}`), deletedPromptLabelSchema);
    },
    list: async (listOptions = {}) => page(await call('GET', base, promptSummaryPageSchema, { query: { ...listOptions } })),
    listVersions: async (name, listOptions = {}) => page(await call('GET', path(name, '/versions'), promptVersionPageSchema, { query: { ...listOptions } })),
    history: async (name, historyOptions = {}) => (await call('GET', path(name, '/history'), promptLabelHistorySchema, { query: { ...historyOptions } })).items,
    diff: (name, from, to) => call('GET', path(name, '/diff'), promptDiffSchema, { query: { from, to } }),
    usage: (name, window) => call('GET', path(name, '/usage'), promptUsageSchema, { query: { from: asTime(window.from), to: asTime(window.to) } }),
    clearCache() {
      cache.clear();
    },
  };
}
