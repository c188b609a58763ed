import { createHash } from 'node:crypto';
import type { ChatCompletionRequest, EmbeddingsRequest } from '@keel/spec';
import { canonicalJson } from './canonical-json.ts';

/**
 * Top-level request fields that do not change the answer, left out of cache keys:
 * - `stream`, `stream_options`: a streamed and a plain request get the same answer; the cache
 *   stores completed responses and replays them in either form.
 * - `user`: an end-user id for abuse tracking; it does not steer the model.
 * - `store`, `metadata`: OpenAI's stored-completions switch and its tags; bookkeeping only.
 * Everything else is kept, including parameters the gateway does not know: an unknown parameter
 * may change the answer, and a wrong hit is worse than a miss.
 */
export const cacheNeutralRequestFields: readonly string[] = ['stream', 'stream_options', 'user', 'store', 'metadata'];

/** Bumped when the key's recipe changes, so old entries are never read with a new meaning. */
const keyVersion = 'v1';

/**
 * The exact-cache key of a chat completion request: the project id, then the sha256 (hex) of the
 * canonical JSON of the request without its cache-neutral fields. Top-level parameters set to
 * null count as absent (OpenAI treats them so). Projects never share entries.
 */
export function exactCacheKey(projectId: number, request: ChatCompletionRequest): string {
  return `${projectId}:chat:${hashCacheMaterial(canonicalJson(requestWithoutNeutralFields(request)))}`;
}

/** The exact-cache key of an embeddings request (`user` left out; `encoding_format` kept: it shapes the answer). */
export function exactEmbeddingsCacheKey(projectId: number, request: EmbeddingsRequest): string {
  return `${projectId}:embeddings:${hashCacheMaterial(canonicalJson(requestWithoutNeutralFields(request)))}`;
}

/** The request's fields that can change the answer: neutral fields and null parameters dropped. */
export function requestWithoutNeutralFields(request: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(request)) {
    if (value === null || value === undefined || cacheNeutralRequestFields.includes(field)) continue;
    kept[field] = value;
  }
  return kept;
}

/** sha256 (hex) of cache-key material, salted with the recipe's version. */
export function hashCacheMaterial(text: string): string {
  return createHash('sha256').update(keyVersion).update('\n').update(text).digest('hex');
}
