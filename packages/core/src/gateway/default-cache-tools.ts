import type { Clock } from '../ports.ts';
import { createSemanticCache } from './cache/create-semantic-cache.ts';
import { exactCacheKey } from './cache/exact-cache-key.ts';
import { lastUserMessageText } from './cache/last-user-message-text.ts';
import { assembleCompletionFromChunks, replayCompletionAsStream } from './cache/replay-completion-as-stream.ts';
import { semanticCacheScope } from './cache/semantic-cache-scope.ts';
import type { GatewayCacheTools, TokenCounter } from './gateway-ports.ts';
import { countChatPromptTokens, countCompletionTokens, countTextTokens } from './usage/count-tokens.ts';

/** The cache helpers the gateway pipeline uses, over the cache folder's functions. */
export function createDefaultCacheTools(clock: Clock): GatewayCacheTools {
  return {
    exactKey: exactCacheKey,
    semanticScope: semanticCacheScope,
    lastUserText: (request) => lastUserMessageText(request) ?? null,
    replay: (completion) => replayCompletionAsStream(completion),
    assemble: (chunks) => assembleCompletionFromChunks(chunks),
    createSemanticCache: (maxEntries) => createSemanticCache({ maxEntries, clock }),
  };
}

/** Counting with OpenAI's o200k tokenizer (loaded on first use). */
export const defaultTokenCounter: TokenCounter = { prompt: countChatPromptTokens, completion: countCompletionTokens, text: countTextTokens };
