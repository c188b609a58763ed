import type { ChatCompletion, ChatCompletionRequest, GatewayUsageDelta } from '@keel/spec';
import type { StreamChunk } from './providers/chat-provider.ts';
import type { CallSignal } from './call-signal.ts';

/** Who calls the gateway: a project, through a virtual key (its name) or a project API key (null). */
export interface GatewayCaller {
  projectId: number;
  keyName: string | null;
}

/** Per-call settings from the HTTP layer. */
export interface GatewayCallContext {
  /** Aborted when the client goes away. */
  signal: CallSignal;
  requestId: string;
  /** `Cache-Control: no-store`: neither read nor write the caches. */
  noStore: boolean;
  traceparent?: string | undefined;
}

/** The in-process semantic cache (one per project). */
export interface SemanticCacheLike {
  lookup(scope: string, vector: Float32Array | number[], threshold: number): { value: string; similarity: number } | undefined;
  store(scope: string, vector: Float32Array | number[], value: string, ttlSeconds: number): void;
}

/** Request hashing, stream replay and assembly used by the caches. */
export interface GatewayCacheTools {
  exactKey(projectId: number, request: ChatCompletionRequest): string;
  semanticScope(projectId: number, request: ChatCompletionRequest): string;
  lastUserText(request: ChatCompletionRequest): string | null;
  replay(completion: ChatCompletion): StreamChunk[];
  assemble(chunks: StreamChunk['chunk'][]): ChatCompletion;
  createSemanticCache(maxEntries: number): SemanticCacheLike;
}

/** Tokenizer used when an upstream reports no usage, and for reservations. */
export interface TokenCounter {
  prompt(request: ChatCompletionRequest): number;
  /** The answer's tokens: content, refusal and tool calls. */
  completion(completion: Pick<ChatCompletion, 'choices'>): number;
  text(text: string): number;
}

/** Where per-day usage goes (aggregated in memory, flushed in batches). */
export interface UsageSink {
  record(delta: Omit<GatewayUsageDelta, 'day'> & { atMs: number }): void;
}
