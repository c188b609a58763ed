import type { ChatCompletionRequest, EmbeddingsRequest, RouteTarget } from '@keel/spec';
import type { Clock } from '../ports.ts';
import type { CostCalculator } from '../traces/cost/index.ts';
import { buildGatewaySpan, type GatewayCallRecord, parseTraceparent } from './build-gateway-span.ts';
import type { AttemptRecord } from './call-with-fallbacks.ts';
import type { LimitGate, Reservation } from './create-limit-gate.ts';
import type { GatewaySpanSink } from './create-gateway-span-sink.ts';
import type { GatewayCallContext, GatewayCaller, UsageSink } from './gateway-ports.ts';
import type { MeasuredUsage } from './measure-usage.ts';
import { randomHex } from './random-hex.ts';
import { timeOrderedTraceId } from './time-ordered-trace-id.ts';

/** What a gateway call ended with, as accounting needs it. */
export interface GatewayOutcome {
  target: RouteTarget | null;
  path: AttemptRecord[];
  responseModel: string | null;
  usage: MeasuredUsage | null;
  firstTokenMs: number | null;
  cache: GatewayCallRecord['cache'];
  finishReasons: string[];
  output: unknown;
  error: string | null;
}

export function emptyOutcome(cache: GatewayCallRecord['cache']): GatewayOutcome {
  return { target: null, path: [], responseModel: null, usage: null, firstTokenMs: null, cache, finishReasons: [], output: undefined, error: null };
}

/** One finished call to account for. */
export interface AccountedCall {
  caller: GatewayCaller;
  request: ChatCompletionRequest | EmbeddingsRequest;
  operation: 'chat' | 'embeddings';
  context: GatewayCallContext;
  startMs: number;
  reservation: Reservation | null;
  outcome: GatewayOutcome;
  /** The answering target's provider type (openai, anthropic, ...). */
  providerType: string | null;
  recordBodies: boolean;
}

export interface GatewayAccountingDeps {
  costFor: (projectId: number) => Promise<CostCalculator>;
  limits: Pick<LimitGate, 'settle'>;
  usage: UsageSink;
  spans: GatewaySpanSink;
  clock: Clock;
  version: string;
  warn: (message: string, error: unknown) => void;
  /** How long a finished call waits before it is accounted for (with the others finished meanwhile). */
  accountDelayMs?: number;
}

/**
 * At concurrency 1 a client sends its next request within a fraction of a millisecond of an answer.
 * Accounting run at once (pricing, settling, usage, building the span: about 0.1-0.2 ms) made that
 * request wait for it; a few milliseconds later it runs while the request waits on its upstream.
 * Under load, the calls finished in those milliseconds are accounted together, under one timer.
 */
const defaultAccountDelayMs = 3;

export interface GatewayAccounting {
  /** Prices the call, settles its limits, records usage and hands its span on. */
  account(call: AccountedCall, endMs?: number): Promise<void>;
  /** The same, a few milliseconds after the answer has been handed to the socket (off the response path). */
  accountLater(call: AccountedCall): void;
  /** Waits for accounting in progress and for the spans to be written. */
  flush(): Promise<void>;
}

export function createGatewayAccounting(deps: GatewayAccountingDeps): GatewayAccounting {
  const pending = new Set<Promise<void>>();
  const queued: { call: AccountedCall; endMs: number }[] = [];
  let timer: NodeJS.Timeout | undefined;

  function accountQueued(): void {
    timer = undefined;
    const calls = queued.splice(0);
    const done: Promise<void> = (async () => {
      for (const { call, endMs } of calls) await account(call, endMs).catch((error: unknown) => deps.warn('could not account for a gateway call', error));
    })().finally(() => pending.delete(done));
    pending.add(done);
  }

  async function account(call: AccountedCall, endMs = deps.clock.now()): Promise<void> {
    const { caller, request, outcome, operation } = call;
    const hit = outcome.cache === 'exact' || outcome.cache === 'semantic';
    let costUsd: number | null = null;
    if (outcome.usage !== null && !hit) {
      try {
        const cost = await deps.costFor(caller.projectId);
        costUsd = cost(outcome.responseModel ?? outcome.target?.model ?? request.model, outcome.usage) ?? (outcome.target === null ? null : cost(outcome.target.model, outcome.usage));
      } catch (error) {
        deps.warn('could not price a gateway call', error);
      }
    }
    const tokens = hit || outcome.usage === null ? 0 : outcome.usage.inputTokens + outcome.usage.outputTokens;
    const costMicros = costUsd === null ? 0 : Math.round(costUsd * 1e6);
    deps.limits.settle(call.reservation, { tokens, costMicros });
    deps.usage.record({
      projectId: caller.projectId,
      keyName: caller.keyName ?? '',
      model: request.model,
      requests: 1,
      errors: outcome.error === null ? 0 : 1,
      cacheHits: hit ? 1 : 0,
      inputTokens: hit ? 0 : (outcome.usage?.inputTokens ?? 0),
      outputTokens: hit ? 0 : (outcome.usage?.outputTokens ?? 0),
      estimatedRequests: outcome.usage?.estimated === true && !hit ? 1 : 0,
      costMicros,
      atMs: endMs,
    });
    const parent = parseTraceparent(call.context.traceparent);
    const record: GatewayCallRecord = {
      requestId: call.context.requestId,
      operation,
      traceId: parent?.traceId ?? timeOrderedTraceId(call.startMs),
      spanId: randomHex(8),
      parentSpanId: parent?.parentSpanId ?? null,
      startMs: call.startMs,
      endMs,
      requestModel: request.model,
      responseModel: outcome.responseModel,
      providerType: call.providerType,
      target: outcome.target === null ? null : `${outcome.target.provider}/${outcome.target.model}`,
      keyName: caller.keyName,
      inputTokens: outcome.usage?.inputTokens ?? null,
      outputTokens: outcome.usage?.outputTokens ?? null,
      cachedInputTokens: outcome.usage?.cachedInputTokens ?? null,
      usageEstimated: outcome.usage?.estimated ?? false,
      costUsd: hit ? 0 : costUsd,
      timeToFirstTokenMs: outcome.firstTokenMs === null ? null : outcome.firstTokenMs - call.startMs,
      cache: outcome.cache,
      path: outcome.path,
      stream: operation === 'chat' && (request as ChatCompletionRequest).stream === true,
      finishReasons: outcome.finishReasons,
      error: outcome.error,
      user: typeof request.user === 'string' ? request.user : undefined,
    };
    if (call.recordBodies) {
      record.input = operation === 'chat' ? (request as ChatCompletionRequest).messages : (request as EmbeddingsRequest).input;
      if (outcome.output !== undefined) record.output = outcome.output;
    }
    deps.spans.add(caller.projectId, buildGatewaySpan(record, deps.version));
  }

  return {
    account,
    accountLater(call) {
      queued.push({ call, endMs: deps.clock.now() });
      timer ??= setTimeout(accountQueued, deps.accountDelayMs ?? defaultAccountDelayMs);
    },
    async flush() {
      if (timer !== undefined) {
        clearTimeout(timer);
        accountQueued();
      }
      while (pending.size > 0) await Promise.all([...pending]);
      await deps.spans.drain();
    },
  };
}
