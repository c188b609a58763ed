import { type ChatCompletion, type ChatCompletionChunk, type ChatCompletionRequest, type EmbeddingsRequest, type EmbeddingsResponse, KeelError, type LimitStore, type ModelRoute, type ResponseCacheStore, type RouteTarget } from '@keel/spec';
import type { Clock } from '../ports.ts';
import type { CostCalculator } from '../traces/cost/index.ts';
import { answerFromCompletion, type GatewayChatAnswer, gatewayHeaders, isUsageOnly } from './answer-from-completion.ts';
import type { GatewayCallRecord } from './build-gateway-span.ts';
import { type AccountedCall, createGatewayAccounting, emptyOutcome, type GatewayOutcome as Outcome } from './create-gateway-accounting.ts';
import { callWithFallbacks, isGatewayCallError } from './call-with-fallbacks.ts';
import { createCircuitBreakers } from './create-circuit-breakers.ts';
import type { GatewaySpanSink } from './create-gateway-span-sink.ts';
import type { GatewayCacheTools, GatewayCallContext, GatewayCaller, SemanticCacheLike, TokenCounter, UsageSink } from './gateway-ports.ts';
import { countEmbeddingInputTokens, estimateUsage, type MeasuredUsage, measureUsage } from './measure-usage.ts';
import { planAttempts } from './plan-attempts.ts';
import { needsUsageEstimate, type ScopedPolicy, type UsageEstimate } from './plan-limit-counters.ts';
import { createLimitGate, type Reservation } from './create-limit-gate.ts';
import type { ChatProvider, StreamChunk } from './providers/chat-provider.ts';
import { UpstreamError } from './providers/upstream-error.ts';
import type { GatewayConfigSource, ResolvedGatewayConfig, ResolvedProvider } from './resolved-gateway-config.ts';

export interface GatewayServiceOptions {
  configs: GatewayConfigSource;
  limits: LimitStore;
  exactCache: ResponseCacheStore;
  cacheTools: GatewayCacheTools;
  tokens: TokenCounter;
  /** Builds a provider client from its configuration (the server picks adapters, loads optional ones). */
  createProvider: (provider: ResolvedProvider) => Promise<ChatProvider>;
  /** The project's price table (shipped prices plus its overrides). */
  costFor: (projectId: number) => Promise<CostCalculator>;
  spans: GatewaySpanSink;
  usage: UsageSink;
  clock: Clock;
  random: () => number;
  sleep: (ms: number, signal: GatewayCallContext['signal']) => Promise<void>;
  version: string;
  onWarning?: (message: string, error: unknown) => void;
}

export type { GatewayChatAnswer } from './answer-from-completion.ts';

export interface GatewayService {
  chat(caller: GatewayCaller, request: ChatCompletionRequest, context: GatewayCallContext): Promise<GatewayChatAnswer>;
  embeddings(caller: GatewayCaller, request: EmbeddingsRequest, context: GatewayCallContext): Promise<{ body: EmbeddingsResponse; headers: Record<string, string> }>;
  listModels(caller: GatewayCaller): Promise<{ id: string; kind: 'chat' | 'embedding' }[]>;
  /** Targets resting after repeated failures. */
  openCircuits(): string[];
  /** Hands every waiting trace span on and waits until it is written. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

interface Prepared {
  config: ResolvedGatewayConfig;
  route: ModelRoute;
  policies: ScopedPolicy[];
}

interface ConfigIndex {
  models: Map<string, ModelRoute>;
  keys: Map<string, ResolvedGatewayConfig['keys'][number]>;
  providers: Map<string, ResolvedProvider>;
}

const defaultTimeoutMs = 60_000;

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The gateway's request pipeline: resolve the virtual model and the caller's key, reserve limits,
 * answer from the caches, call the targets with retries and fallbacks, then settle the limits with
 * the actual usage, and record usage and a trace span off the response path.
 */
export function createGatewayService(options: GatewayServiceOptions): GatewayService {
  const { clock } = options;
  const breakers = createCircuitBreakers(() => clock.now());
  const providerClients = new WeakMap<ResolvedGatewayConfig, Map<string, Promise<ChatProvider>>>();
  const allClients = new Set<Promise<ChatProvider>>();
  const semanticCaches = new WeakMap<ResolvedGatewayConfig, SemanticCacheLike>();
  // Lookups by name, built once per configuration version (a project may have thousands of keys).
  const indexes = new WeakMap<ResolvedGatewayConfig, ConfigIndex>();

  function indexOf(config: ResolvedGatewayConfig): ConfigIndex {
    let index = indexes.get(config);
    if (index === undefined) {
      index = {
        models: new Map(config.models.map((model) => [model.name, model])),
        keys: new Map(config.keys.map((key) => [key.name, key])),
        providers: new Map(config.providers.map((provider) => [provider.name, provider])),
      };
      indexes.set(config, index);
    }
    return index;
  }

  function warn(message: string, error: unknown): void {
    options.onWarning?.(message, error);
  }
  const { reserve, settle } = createLimitGate(options.limits, warn);

  async function prepare(caller: GatewayCaller, model: string, kind: ModelRoute['kind']): Promise<Prepared> {
    const config = await options.configs.get(caller.projectId);
    const route = config === null ? undefined : indexOf(config).models.get(model);
    if (config === null || route === undefined) throw new KeelError('RESOURCE_DOES_NOT_EXIST', `The model '${model}' does not exist in this project's gateway`, { details: { openai_code: 'model_not_found', param: 'model' } });
    if (route.kind !== kind) throw new KeelError('INVALID_PARAMETER_VALUE', `The model '${model}' is ${route.kind === 'chat' ? 'a chat' : 'an embedding'} model`, { details: { openai_code: 'model_not_supported', param: 'model' } });
    const policies: ScopedPolicy[] = [];
    if (caller.keyName !== null) {
      const key = indexOf(config).keys.get(caller.keyName);
      if (key === undefined) throw new KeelError('UNAUTHENTICATED', 'This virtual key is no longer configured', { details: { openai_code: 'invalid_api_key' } });
      if (key.models !== undefined && !key.models.includes(model)) throw new KeelError('PERMISSION_DENIED', `The key '${key.name}' may not use the model '${model}'`, { details: { openai_code: 'model_not_allowed', param: 'model' } });
      if (key.limits !== undefined) policies.push({ scope: `p${caller.projectId}:k:${key.name}`, policy: key.limits });
    }
    if (config.limits !== undefined) policies.push({ scope: `p${caller.projectId}`, policy: config.limits });
    return { config, route, policies };
  }

  function providerFor(config: ResolvedGatewayConfig, name: string): Promise<ChatProvider> {
    let clients = providerClients.get(config);
    if (clients === undefined) {
      clients = new Map();
      providerClients.set(config, clients);
    }
    let client = clients.get(name);
    if (client === undefined) {
      const provider = indexOf(config).providers.get(name);
      client = provider === undefined ? Promise.reject(new UpstreamError({ failure: 'connection', message: `no provider named '${name}'` })) : options.createProvider(provider);
      // A provider that failed to build (bad model path, missing secret) is tried again on the next call.
      client.catch(() => clients.delete(name));
      clients.set(name, client);
      allClients.add(client);
    }
    return client;
  }

  function timeoutFor(config: ResolvedGatewayConfig, target: RouteTarget): number {
    return target.timeout_ms ?? indexOf(config).providers.get(target.provider)?.timeout_ms ?? defaultTimeoutMs;
  }

  function providerType(config: ResolvedGatewayConfig, target: RouteTarget | null): string | null {
    return target === null ? null : (indexOf(config).providers.get(target.provider)?.type ?? null);
  }

  function fallbackInput<T>(prepared: Prepared, caller: GatewayCaller, targets: RouteTarget[], signal: GatewayCallContext['signal'], call: (target: RouteTarget) => Promise<T>) {
    return {
      targets,
      retry: prepared.config.retry,
      breaker: prepared.config.circuit_breaker,
      breakers,
      breakerKey: (target: RouteTarget) => `p${caller.projectId}/${target.provider}/${target.model}`,
      call,
      sleep: options.sleep,
      random: options.random,
      signal,
    };
  }

  const accounting = createGatewayAccounting({ costFor: options.costFor, limits: { settle }, usage: options.usage, spans: options.spans, clock, version: options.version, warn });
  const { flush } = accounting;

  function accountedCall(prepared: Prepared, caller: GatewayCaller, request: ChatCompletionRequest | EmbeddingsRequest, operation: 'chat' | 'embeddings', context: GatewayCallContext, startMs: number, reservation: Reservation | null, outcome: Outcome): AccountedCall {
    return { caller, request, operation, context, startMs, reservation, outcome, providerType: providerType(prepared.config, outcome.target), recordBodies: prepared.config.record_bodies };
  }

  async function account(...args: Parameters<typeof accountedCall>): Promise<void> {
    await accounting.account(accountedCall(...args));
  }

  /** Accounting (pricing, settling, usage, the span) runs after the answer has been handed to the socket. */
  function accountLater(...args: Parameters<typeof accountedCall>): void {
    accounting.accountLater(accountedCall(...args));
  }

  async function embedForCache(prepared: Prepared, caller: GatewayCaller, model: string, text: string, context: GatewayCallContext): Promise<number[] | null> {
    try {
      const { body } = await embeddings(caller, { model, input: text }, { ...context, noStore: true }, prepared);
      const vector = body.data[0]?.embedding;
      return Array.isArray(vector) ? vector : null;
    } catch (error) {
      warn('the semantic cache could not embed a message; answering without it', error);
      return null;
    }
  }

  function semanticCacheFor(config: ResolvedGatewayConfig): SemanticCacheLike {
    let cache = semanticCaches.get(config);
    if (cache === undefined) {
      cache = options.cacheTools.createSemanticCache(config.cache.semantic.max_entries);
      semanticCaches.set(config, cache);
    }
    return cache;
  }

  const answerFromCache = (completion: ChatCompletion, request: ChatCompletionRequest, outcome: Outcome, context: GatewayCallContext): GatewayChatAnswer =>
    answerFromCompletion(completion, request, gatewayHeaders(outcome, context), options.cacheTools.replay);

  async function chat(caller: GatewayCaller, request: ChatCompletionRequest, context: GatewayCallContext): Promise<GatewayChatAnswer> {
    const startMs = clock.now();
    const prepared = await prepare(caller, request.model, 'chat');
    const { config, route } = prepared;
    let estimate: UsageEstimate = { tokens: 0, costMicros: 0 };
    if (needsUsageEstimate(prepared.policies)) estimate = estimateUsage(request, route, options.tokens, await options.costFor(caller.projectId));
    const reservation = await reserve(prepared.policies, estimate);

    const cachePolicy = config.cache;
    const cachingOn = cachePolicy.exact.enabled || cachePolicy.semantic.enabled;
    let cacheState: GatewayCallRecord['cache'] = !cachingOn ? 'off' : context.noStore ? 'bypass' : 'miss';
    let exactKey: string | null = null;
    let semantic: { scope: string; vector: number[] } | null = null;
    try {
      if (cacheState === 'miss' && cachePolicy.exact.enabled) {
        exactKey = options.cacheTools.exactKey(caller.projectId, request);
        const cached = await options.exactCache.get(exactKey).catch((error: unknown) => {
          warn('exact cache unreachable; treating as a miss', error);
          return undefined;
        });
        if (cached !== undefined) {
          const outcome = emptyOutcome('exact');
          const completion = JSON.parse(cached) as ChatCompletion;
          accountLater(prepared, caller, request, 'chat', context, startMs, reservation, { ...outcome, responseModel: completion.model, firstTokenMs: clock.now(), finishReasons: completion.choices.map((choice) => choice.finish_reason ?? '') });
          return answerFromCache(completion, request, outcome, context);
        }
      }
      if (cacheState === 'miss' && cachePolicy.semantic.enabled && cachePolicy.semantic.embedding_model !== undefined) {
        const text = options.cacheTools.lastUserText(request);
        const vector = text === null ? null : await embedForCache(prepared, caller, cachePolicy.semantic.embedding_model, text, context);
        if (vector !== null) {
          const scope = options.cacheTools.semanticScope(caller.projectId, request);
          semantic = { scope, vector };
          const found = semanticCacheFor(config).lookup(scope, vector, cachePolicy.semantic.threshold);
          if (found !== undefined) {
            cacheState = 'semantic';
            const completion = JSON.parse(found.value) as ChatCompletion;
            const outcome = emptyOutcome('semantic');
            accountLater(prepared, caller, request, 'chat', context, startMs, reservation, { ...outcome, responseModel: completion.model, firstTokenMs: clock.now(), finishReasons: completion.choices.map((choice) => choice.finish_reason ?? '') });
            return answerFromCache(completion, request, outcome, context);
          }
        }
      }
    } catch (error) {
      settle(reservation, { tokens: 0, costMicros: 0 });
      throw error;
    }

    const storeInCaches = (completion: ChatCompletion): void => {
      if (cacheState !== 'miss' || completion.choices.some((choice) => choice.finish_reason === null)) return;
      const text = JSON.stringify(completion);
      if (exactKey !== null) options.exactCache.set(exactKey, text, cachePolicy.exact.ttl_seconds).catch((error: unknown) => warn('could not write the exact cache', error));
      if (semantic !== null) semanticCacheFor(config).store(semantic.scope, semantic.vector, text, cachePolicy.semantic.ttl_seconds);
    };

    const targets = planAttempts(route, options.random);
    if (request.stream !== true) {
      let answered;
      try {
        answered = await callWithFallbacks(
          fallbackInput(prepared, caller, targets, context.signal, async (target) => {
            const provider = await providerFor(config, target.provider);
            const result = await provider.chat({ ...request, model: target.model }, { signal: context.signal, timeoutMs: timeoutFor(config, target) });
            if (result.stream) throw new UpstreamError({ failure: 'bad_response', message: `${target.provider} answered a stream to a request without stream` });
            return result;
          }),
        );
      } catch (error) {
        await failed(prepared, caller, request, context, startMs, reservation, cacheState, error);
        throw error;
      }
      const { completion, raw } = answered.result;
      const usage = measureUsage(completion.usage, request, completion, options.tokens);
      const outcome: Outcome = {
        target: answered.target, path: answered.path, responseModel: completion.model, usage, firstTokenMs: clock.now(), cache: cacheState,
        finishReasons: completion.choices.map((choice) => choice.finish_reason ?? ''), output: completion.choices.map((choice) => choice.message), error: null,
      };
      accountLater(prepared, caller, request, 'chat', context, startMs, reservation, outcome);
      storeInCaches(completion);
      return { stream: false, body: raw ?? JSON.stringify(completion), headers: gatewayHeaders(outcome, context) };
    }

    // Streams: the first chunk is awaited as part of the attempt, so a target that fails before
    // sending anything still falls back; after the first byte reaches the client, it cannot.
    let started;
    try {
      started = await callWithFallbacks(
        fallbackInput(prepared, caller, targets, context.signal, async (target) => {
          const provider = await providerFor(config, target.provider);
          const result = await provider.chat({ ...request, model: target.model }, { signal: context.signal, timeoutMs: timeoutFor(config, target) });
          if (!result.stream) return { iterator: null, first: result.completion };
          const iterator = result.chunks[Symbol.asyncIterator]();
          const first = await iterator.next();
          return { iterator, first };
        }),
      );
    } catch (error) {
      await failed(prepared, caller, request, context, startMs, reservation, cacheState, error);
      throw error;
    }
    const outcome: Outcome = { ...emptyOutcome(cacheState), target: started.target, path: started.path };
    const headers = gatewayHeaders(outcome, context);
    const wantsUsage = request.stream_options?.include_usage === true;
    const { iterator, first } = started.result;
    if (iterator === null) {
      // A provider that cannot stream answered whole: replayed as a stream.
      const completion = first as ChatCompletion;
      outcome.responseModel = completion.model;
      outcome.usage = measureUsage(completion.usage, request, completion, options.tokens);
      outcome.firstTokenMs = clock.now();
      outcome.finishReasons = completion.choices.map((choice) => choice.finish_reason ?? '');
      outcome.output = completion.choices.map((choice) => choice.message);
      accountLater(prepared, caller, request, 'chat', context, startMs, reservation, outcome);
      storeInCaches(completion);
      return answerFromCache(completion, request, { ...outcome }, context);
    }
    const firstResult = first as IteratorResult<StreamChunk>;
    async function* events(): AsyncGenerator<string, void, undefined> {
      const chunks: ChatCompletionChunk[] = [];
      let failure: string | null = null;
      let completed = false;
      try {
        let next = firstResult;
        while (next.done !== true) {
          const { chunk, raw } = next.value;
          chunks.push(chunk);
          outcome.firstTokenMs ??= clock.now();
          if (wantsUsage || !isUsageOnly(chunk)) yield raw ?? JSON.stringify(chunk);
          next = await (iterator as AsyncIterator<StreamChunk>).next();
        }
        completed = true;
      } catch (error) {
        failure = errorMessage(error);
        throw error;
      } finally {
        if (!completed) await (iterator as AsyncIterator<StreamChunk>).return?.().catch(() => undefined);
        const assembled = chunks.length > 0 ? options.cacheTools.assemble(chunks) : null;
        outcome.responseModel = assembled?.model ?? null;
        outcome.usage = measureUsage(assembled?.usage, request, assembled, options.tokens);
        outcome.finishReasons = assembled?.choices.map((choice) => choice.finish_reason ?? '') ?? [];
        outcome.output = assembled?.choices.map((choice) => choice.message);
        outcome.error = failure ?? (completed ? null : 'the client went away before the stream ended');
        accountLater(prepared, caller, request, 'chat', context, startMs, reservation, outcome);
        if (completed && assembled !== null) storeInCaches(assembled);
      }
    }
    return { stream: true, headers, events: events() };
  }

  async function failed(prepared: Prepared, caller: GatewayCaller, request: ChatCompletionRequest, context: GatewayCallContext, startMs: number, reservation: Reservation | null, cache: GatewayCallRecord['cache'], error: unknown): Promise<void> {
    const path = isGatewayCallError(error) ? error.path : [];
    await account(prepared, caller, request, 'chat', context, startMs, reservation, { ...emptyOutcome(cache), path, error: errorMessage(error) });
  }

  async function embeddings(caller: GatewayCaller, request: EmbeddingsRequest, context: GatewayCallContext, preparedAlready?: Prepared): Promise<{ body: EmbeddingsResponse; headers: Record<string, string> }> {
    const startMs = clock.now();
    const prepared = preparedAlready === undefined ? await prepare(caller, request.model, 'embedding') : { ...preparedAlready, route: routeOf(preparedAlready.config, request.model), policies: [] };
    const inputTokens = needsUsageEstimate(prepared.policies) ? countEmbeddingInputTokens(request, options.tokens) : 0;
    const reservation = await reserve(prepared.policies, { tokens: inputTokens, costMicros: 0 });
    let answered;
    try {
      answered = await callWithFallbacks(
        fallbackInput(prepared, caller, planAttempts(prepared.route, options.random), context.signal, async (target) => {
          const provider = await providerFor(prepared.config, target.provider);
          return provider.embed({ ...request, model: target.model }, { signal: context.signal, timeoutMs: timeoutFor(prepared.config, target) });
        }),
      );
    } catch (error) {
      await account(prepared, caller, request, 'embeddings', context, startMs, reservation, { ...emptyOutcome('off'), path: isGatewayCallError(error) ? error.path : [], error: errorMessage(error) });
      throw error;
    }
    const body = answered.result;
    const counted = body.usage === undefined ? countEmbeddingInputTokens(request, options.tokens) : null;
    const usage: MeasuredUsage = { inputTokens: body.usage?.prompt_tokens ?? counted ?? 0, outputTokens: 0, cachedInputTokens: null, estimated: counted !== null };
    const outcome: Outcome = { ...emptyOutcome('off'), target: answered.target, path: answered.path, responseModel: body.model, usage, firstTokenMs: clock.now() };
    accountLater(prepared, caller, request, 'embeddings', context, startMs, reservation, outcome);
    return { body, headers: gatewayHeaders(outcome, context) };
  }

  function routeOf(config: ResolvedGatewayConfig, model: string): ModelRoute {
    const found = indexOf(config).models.get(model);
    const route = found?.kind === 'embedding' ? found : undefined;
    if (route === undefined) throw new KeelError('RESOURCE_DOES_NOT_EXIST', `The embedding model '${model}' does not exist in this project's gateway`);
    return route;
  }

  return {
    chat,
    embeddings: (caller, request, context) => embeddings(caller, request, context),
    async listModels(caller) {
      const config = await options.configs.get(caller.projectId);
      if (config === null) return [];
      const key = caller.keyName === null ? undefined : indexOf(config).keys.get(caller.keyName);
      return config.models.filter((model) => key?.models === undefined || key.models.includes(model.name)).map((model) => ({ id: model.name, kind: model.kind }));
    },
    openCircuits: () => breakers.open(),
    flush,
    async close() {
      await flush();
      const clients = await Promise.allSettled([...allClients]);
      for (const client of clients) if (client.status === 'fulfilled') await client.value.close?.();
    },
  };
}

