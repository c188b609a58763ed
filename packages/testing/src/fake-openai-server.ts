import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOpenAiRequest {
  path: string;
  body: Record<string, unknown>;
  headers: IncomingMessage['headers'];
}

export interface FakeOpenAiOptions {
  /** The assistant's answer to a chat request; defaults to echoing the last user message. */
  reply?: (body: Record<string, unknown>) => string;
  /** Prompt tokens served from the provider's cache, reported in `prompt_tokens_details.cached_tokens`. */
  cachedTokens?: number;
  /** Every chat answer waits this long first (a fixed upstream latency, for benchmarks). */
  latencyMs?: number;
  /** Never report usage, even when asked (as some OpenAI-compatible servers do). */
  omitUsage?: boolean;
  /** Streamed answers wait this long between chunks (a model generating tokens). */
  chunkIntervalMs?: number;
}

/**
 * Faults the next chat request meets: a 200 whose body is not JSON, no answer at all, a stream that
 * stops sending after its first chunk, or one whose connection drops part way.
 */
export type FakeOpenAiFault = 'garbage' | 'hang' | 'trickle' | 'drop';

export interface FakeOpenAiServer {
  /** Base URL to give the `openai` client: `http://127.0.0.1:PORT/v1`. */
  baseURL: string;
  requests: FakeOpenAiRequest[];
  /** The next chat request answers this HTTP status with OpenAI's error body (and Retry-After when given). */
  failNext(status: number, message?: string, retryAfterSeconds?: number): void;
  /** The next chat request meets this fault. */
  faultNext(fault: FakeOpenAiFault): void;
  /** Chat requests whose client went away before the answer was complete. */
  abortedRequests(): number;
  close(): Promise<void>;
}

/**
 * A local server speaking OpenAI's wire protocol (chat completions with and without SSE streaming,
 * embeddings, errors), so tests drive the real `openai` SDK without a paid API. Token counts are
 * whitespace word counts, deterministic for assertions.
 */
export async function startFakeOpenAiServer(options: FakeOpenAiOptions = {}): Promise<FakeOpenAiServer> {
  const requests: FakeOpenAiRequest[] = [];
  const failures: { status: number; message: string; retryAfterSeconds?: number | undefined }[] = [];
  const faults: FakeOpenAiFault[] = [];
  let aborted = 0;
  let sequence = 0;
  const server = createServer((request, response) => {
    void readJson(request).then((body) => {
      const path = request.url ?? '/';
      requests.push({ path, body, headers: request.headers });
      if (request.method !== 'POST') return sendJson(response, 405, errorBody('method not allowed', 'invalid_request_error'));
      if (path === '/v1/chat/completions') {
        response.once('close', () => {
          if (!response.writableFinished) aborted += 1;
        });
        const failure = failures.shift();
        if (failure !== undefined) {
          if (failure.retryAfterSeconds !== undefined) response.setHeader('retry-after', String(failure.retryAfterSeconds));
          return sendJson(response, failure.status, errorBody(failure.message, failure.status === 429 ? 'rate_limit_exceeded' : 'server_error'));
        }
        const fault = faults.shift();
        if (fault === 'garbage') {
          response.writeHead(200, { 'content-type': 'application/json' });
          return response.end('<html>upstream proxy error</html>');
        }
        if (fault === 'hang') return undefined;
        sequence += 1;
        const id = `chatcmpl-fake${sequence}`;
        if (options.latencyMs === undefined) return answerChat(response, body, id, options, fault);
        setTimeout(() => answerChat(response, body, id, options, fault), options.latencyMs);
        return undefined;
      }
      if (path === '/v1/embeddings') return answerEmbeddings(response, body);
      return sendJson(response, 404, errorBody(`no route ${path}`, 'invalid_request_error'));
    }, () => sendJson(response, 400, errorBody('body is not JSON', 'invalid_request_error')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext: (status, message = 'upstream failure', retryAfterSeconds) => {
      failures.push({ status, message, retryAfterSeconds });
    },
    faultNext: (fault) => {
      faults.push(fault);
    },
    abortedRequests: () => aborted,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function answerChat(response: ServerResponse, body: Record<string, unknown>, id: string, options: FakeOpenAiOptions, fault?: FakeOpenAiFault): void {
  if (response.destroyed) return;
  const messages = Array.isArray(body.messages) ? (body.messages as { role?: unknown; content?: unknown }[]) : [];
  const model = typeof body.model === 'string' ? body.model : 'gpt-4o-mini';
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  const content = options.reply ? options.reply(body) : `echo: ${typeof lastUser?.content === 'string' ? lastUser.content : ''}`;
  const promptTokens = messages.reduce((sum, message) => sum + countWords(typeof message.content === 'string' ? message.content : JSON.stringify(message.content ?? '')), 0);
  const completionTokens = countWords(content);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: Math.min(options.cachedTokens ?? 0, promptTokens) },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
  const responseModel = `${model}-2024-07-18`;
  const created = Math.floor(Date.now() / 1000);
  const toolCall = toolCallFor(body);
  if (body.stream !== true) {
    const message = toolCall === null ? { role: 'assistant', content, refusal: null } : { role: 'assistant', content: null, refusal: null, tool_calls: [toolCall] };
    sendJson(response, 200, {
      id,
      object: 'chat.completion',
      created,
      model: responseModel,
      choices: [{ index: 0, message, logprobs: null, finish_reason: toolCall === null ? 'stop' : 'tool_calls' }],
      ...(options.omitUsage === true ? {} : { usage }),
      system_fingerprint: 'fp_fake',
    });
    return;
  }
  const streamOptions = body.stream_options as { include_usage?: unknown } | undefined;
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: responseModel, system_fingerprint: 'fp_fake', choices, ...extra })}\n\n`;
  const events: (string | 'drop')[] = [chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }])];
  if (fault === 'trickle') {
    response.write(events[0]);
    return;
  }
  if (toolCall !== null) {
    events.push(chunk([{ index: 0, delta: { tool_calls: [{ index: 0, id: toolCall.id, type: 'function', function: { name: toolCall.function.name, arguments: '' } }] }, logprobs: null, finish_reason: null }]));
    events.push(chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: toolCall.function.arguments } }] }, logprobs: null, finish_reason: null }]));
  } else {
    for (const [index, piece] of (content.match(/\S+\s*/g) ?? []).entries()) {
      events.push(chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]));
      if (fault === 'drop' && index === 0) events.push('drop');
    }
  }
  events.push(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: toolCall === null ? 'stop' : 'tool_calls' }]));
  if (streamOptions?.include_usage === true && options.omitUsage !== true) events.push(chunk([], { usage }));
  events.push('data: [DONE]\n\n');
  const interval = options.chunkIntervalMs ?? 0;
  const send = (index: number): void => {
    for (let next = index; next < events.length; next += 1) {
      if (response.destroyed) return;
      const event = events[next] as string;
      if (event === 'drop') {
        response.socket?.destroy();
        return;
      }
      if (next === events.length - 1) {
        response.end(event);
        return;
      }
      response.write(event);
      if (interval > 0 && next > 0) {
        setTimeout(() => send(next + 1), interval);
        return;
      }
    }
  };
  send(0);
}

/** A call of the first tool, when the request offers tools and does not forbid them. */
function toolCallFor(body: Record<string, unknown>): { id: string; type: 'function'; function: { name: string; arguments: string } } | null {
  const tools = Array.isArray(body.tools) ? (body.tools as { function?: { name?: unknown } }[]) : [];
  const name = tools[0]?.function?.name;
  if (typeof name !== 'string' || body.tool_choice === 'none') return null;
  return { id: 'call_fake1', type: 'function', function: { name, arguments: JSON.stringify({ city: 'Paris' }) } };
}

function answerEmbeddings(response: ServerResponse, body: Record<string, unknown>): void {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const texts = inputs.map((input) => (typeof input === 'string' ? input : JSON.stringify(input)));
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : 8;
  const tokens = texts.reduce((sum, text) => sum + countWords(text), 0);
  sendJson(response, 200, {
    object: 'list',
    model: typeof body.model === 'string' ? body.model : 'text-embedding-3-small',
    // The openai SDK asks for base64 (little-endian float32) unless told otherwise, as OpenAI's API does.
    data: texts.map((text, index) => {
      const vector = embed(text, dimensions);
      return { object: 'embedding', index, embedding: body.encoding_format === 'base64' ? Buffer.from(Float32Array.from(vector).buffer).toString('base64') : vector };
    }),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

/** A deterministic unit vector derived from the text's characters. */
function embed(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (let index = 0; index < text.length; index += 1) {
    const slot = index % dimensions;
    vector[slot] = (vector[slot] ?? 0) + text.charCodeAt(index) / 128;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

function errorBody(message: string, type: string) {
  return { error: { message, type, param: null, code: null } };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
  return value as Record<string, unknown>;
}
