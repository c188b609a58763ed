export { canonicalJson } from './canonical-json.ts';
export { cacheNeutralRequestFields, exactCacheKey, exactEmbeddingsCacheKey } from './exact-cache-key.ts';
export { createMemoryResponseCache, type MemoryResponseCache, type MemoryResponseCacheOptions } from './create-memory-response-cache.ts';
export { createSemanticCache, type SemanticCache, type SemanticCacheHit, type SemanticCacheOptions } from './create-semantic-cache.ts';
export { semanticCacheScope } from './semantic-cache-scope.ts';
export { lastUserMessageText } from './last-user-message-text.ts';
export { assembleCompletionFromChunks, replayCompletionAsStream, type ReplayOptions } from './replay-completion-as-stream.ts';
