import { genAiModels } from './gen-ai-models.ts';
import { sampleText } from './sample-text.ts';
import type { SpanIds } from './span-ids.ts';

export type PlannedKind = 'chain' | 'retrieval' | 'llm';
export type PlannedAttributes = Record<string, string | number | boolean | string[]>;

/** One span of a planned trace: what the OTLP encoder and the direct store seed both start from. */
export interface PlannedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: PlannedKind;
  /** OTel SpanKind: 1 server (the app's request), 2 client (the provider call), 0 internal. */
  otelKind: number;
  startMs: number;
  durationMs: number;
  error: boolean;
  provider: string | null;
  requestModel: string | null;
  responseModel: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** The GenAI message JSON (`gen_ai.input.messages` / `gen_ai.output.messages`), or the root's plain text. */
  input: string | null;
  output: string | null;
  sessionId: string;
  userId: string;
  attributes: PlannedAttributes;
}

export interface TraceShape {
  /** Multiplies message lengths: 1 gives a few hundred bytes to a few KB per message list. */
  textScale: number;
}

const textMessage = (role: string, content: string) => ({ role, parts: [{ type: 'text', content }] });

/**
 * One request of a RAG chat app as its instrumentation reports it: a root chain span, a retrieval,
 * then 2 or 3 chat calls (a rewrite, the answer, sometimes a check) with OTel GenAI attributes:
 * operation, provider, request and response model, token usage, input and output messages as JSON,
 * session and user ids. About 2 % of the chat calls fail.
 */
export function genAiTrace(random: () => number, ids: SpanIds, startMs: number, shape: TraceShape = { textScale: 1 }): PlannedSpan[] {
  const traceId = ids.nextTraceId();
  const userNumber = Math.floor(random() * 5000);
  const userId = `user-${userNumber}`;
  const sessionId = `session-${userNumber}-${Math.floor(random() * 8)}`;
  const common: PlannedAttributes = { 'session.id': sessionId, 'user.id': userId };
  const scaled = (min: number, max: number): string => sampleText(random, Math.max(1, Math.round(min * shape.textScale)), Math.max(2, Math.round(max * shape.textScale)));
  const question = scaled(60, 400);
  const rootId = ids.nextSpanId();
  const spans: PlannedSpan[] = [];
  let clock = startMs + 1 + random() * 3;

  const retrievalMs = 15 + random() * 100;
  const documents = scaled(300, 2000);
  spans.push({
    traceId, spanId: ids.nextSpanId(), parentSpanId: rootId, name: 'retrieve kb-docs', kind: 'retrieval', otelKind: 0, startMs: clock, durationMs: retrievalMs, error: false,
    provider: null, requestModel: null, responseModel: null, inputTokens: null, outputTokens: null, input: question, output: documents, sessionId, userId,
    attributes: { ...common, 'gen_ai.operation.name': 'retrieval', 'gen_ai.data_source.id': 'kb-docs', 'gen_ai.request.top_k': 5, 'input.value': question, 'output.value': documents },
  });
  clock += retrievalMs + random() * 2;

  const calls = random() < 0.5 ? 2 : 3;
  let answer = '';
  for (let call = 0; call < calls; call += 1) {
    const model = genAiModels[Math.floor(random() * genAiModels.length)] ?? genAiModels[0];
    if (model === undefined) throw new Error('no models');
    const system = scaled(150, 800);
    const userText = call === 1 ? `${documents}\n\n${question}` : question;
    answer = scaled(80, 1500);
    const input = JSON.stringify([textMessage('system', system), textMessage('user', userText)]);
    const output = JSON.stringify([{ ...textMessage('assistant', answer), finish_reason: 'stop' }]);
    const inputTokens = Math.round((system.length + userText.length) / 4) + 12;
    const outputTokens = Math.round(answer.length / 4) + 1;
    const durationMs = 250 + outputTokens * (8 + random() * 20);
    const error = random() < 0.02;
    const attributes: PlannedAttributes = {
      ...common,
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': model.provider,
      'gen_ai.request.model': model.request,
      'gen_ai.request.temperature': Math.round(random() * 10) / 10,
      'gen_ai.request.max_tokens': 1024,
      'gen_ai.conversation.id': sessionId,
      'server.address': `api.${model.provider.replace(/^gcp\./, '')}.example`,
      'gen_ai.input.messages': input,
    };
    if (error) {
      attributes['error.type'] = random() < 0.5 ? 'rate_limit_exceeded' : 'timeout';
    } else {
      Object.assign(attributes, {
        'gen_ai.response.model': model.response,
        'gen_ai.response.id': `chatcmpl-${traceId.slice(16)}${call}`,
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': inputTokens,
        'gen_ai.usage.output_tokens': outputTokens,
        'gen_ai.output.messages': output,
      });
    }
    spans.push({
      traceId, spanId: ids.nextSpanId(), parentSpanId: rootId, name: `chat ${model.request}`, kind: 'llm', otelKind: 2, startMs: clock, durationMs, error,
      provider: model.provider, requestModel: model.request, responseModel: error ? null : model.response, inputTokens: error ? null : inputTokens, outputTokens: error ? null : outputTokens,
      input, output: error ? null : output, sessionId, userId, attributes,
    });
    clock += durationMs + random() * 3;
  }

  const rootMs = clock - startMs + 1;
  const root: PlannedSpan = {
    traceId, spanId: rootId, parentSpanId: null, name: 'POST /chat', kind: 'chain', otelKind: 1, startMs, durationMs: rootMs, error: spans.some((span) => span.error),
    provider: null, requestModel: null, responseModel: null, inputTokens: null, outputTokens: null, input: question, output: answer, sessionId, userId,
    attributes: { ...common, 'gen_ai.operation.name': 'invoke_workflow', 'http.request.method': 'POST', 'http.route': '/chat', 'input.value': question, 'output.value': answer },
  };
  // The root first: a batch cut after N spans keeps every trace's root.
  return [root, ...spans];
}
