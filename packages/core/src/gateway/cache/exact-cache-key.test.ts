import { describe, expect, it } from 'vitest';
import type { ChatCompletionRequest, EmbeddingsRequest } from '@keel/spec';
import { canonicalJson } from './canonical-json.ts';
import { exactCacheKey, exactEmbeddingsCacheKey } from './exact-cache-key.ts';

const base: ChatCompletionRequest = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'What is the capital of France?' },
  ],
  temperature: 0,
};

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined }, e: null })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1,"e":null}');
    expect(canonicalJson(['b', 'a'])).toBe('["b","a"]');
    expect(canonicalJson({ text: 'quote " and \u2028 line' })).toBe(JSON.stringify({ text: 'quote " and \u2028 line' }));
  });
});

describe('exactCacheKey', () => {
  it('is the project id and a sha256 hex digest', () => {
    expect(exactCacheKey(7, base)).toMatch(/^7:chat:[0-9a-f]{64}$/);
  });

  it('is the same for the same request with keys in another order', () => {
    const reordered = JSON.parse('{"temperature":0,"messages":[{"content":"Be brief.","role":"system"},{"content":"What is the capital of France?","role":"user"}],"model":"gpt-4o-mini"}') as ChatCompletionRequest;
    expect(exactCacheKey(1, reordered)).toBe(exactCacheKey(1, base));
  });

  it('ignores stream, stream_options, user, store, metadata and null parameters', () => {
    const streamed: ChatCompletionRequest = { ...base, stream: true, stream_options: { include_usage: true }, user: 'alice', store: true, metadata: { team: 'a' }, top_p: null, seed: null };
    expect(exactCacheKey(1, streamed)).toBe(exactCacheKey(1, base));
  });

  it('never shares entries between projects', () => {
    expect(exactCacheKey(1, base)).not.toBe(exactCacheKey(2, base));
    expect(exactCacheKey(1, base).slice(2)).toBe(exactCacheKey(2, base).slice(2));
  });

  it('changes with anything that can change the answer', () => {
    const variants: ChatCompletionRequest[] = [
      { ...base, model: 'gpt-4o' },
      { ...base, temperature: 0.5 },
      { ...base, seed: 1 },
      { ...base, n: 2 },
      { ...base, stop: ['\n'] },
      { ...base, max_tokens: 10 },
      { ...base, messages: [...base.messages].reverse() },
      { ...base, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What is the capital of France? ' }] },
      { ...base, tools: [{ type: 'function', function: { name: 'lookup' } }] },
      { ...base, response_format: { type: 'json_object' } },
      { ...base, some_future_parameter: 'x' },
    ];
    const keys = new Set([exactCacheKey(1, base), ...variants.map((variant) => exactCacheKey(1, variant))]);
    expect(keys.size).toBe(variants.length + 1);
  });

  it('does not alter the request', () => {
    const request: ChatCompletionRequest = { ...base, stream: true, user: 'u' };
    const before = structuredClone(request);
    exactCacheKey(1, request);
    expect(request).toEqual(before);
  });
});

describe('exactEmbeddingsCacheKey', () => {
  const embeddings: EmbeddingsRequest = { model: 'text-embedding-3-small', input: ['a', 'b'] };

  it('ignores user, keeps encoding_format and dimensions, and is scoped by project', () => {
    expect(exactEmbeddingsCacheKey(3, embeddings)).toMatch(/^3:embeddings:[0-9a-f]{64}$/);
    expect(exactEmbeddingsCacheKey(3, { ...embeddings, user: 'bob' })).toBe(exactEmbeddingsCacheKey(3, embeddings));
    expect(exactEmbeddingsCacheKey(3, { ...embeddings, encoding_format: 'base64' })).not.toBe(exactEmbeddingsCacheKey(3, embeddings));
    expect(exactEmbeddingsCacheKey(3, { ...embeddings, dimensions: 256 })).not.toBe(exactEmbeddingsCacheKey(3, embeddings));
    expect(exactEmbeddingsCacheKey(4, embeddings)).not.toBe(exactEmbeddingsCacheKey(3, embeddings));
    expect(exactEmbeddingsCacheKey(3, { ...embeddings, input: ['b', 'a'] })).not.toBe(exactEmbeddingsCacheKey(3, embeddings));
  });
});
