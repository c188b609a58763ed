import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAnthropicRequest {
  path: string;
  body: Record<string, unknown>;
  headers: IncomingMessage['headers'];
}

export interface FakeAnthropicOptions {
  /** The assistant's text answer; defaults to echoing the last user text. Not used for tool calls. */
  reply?: (body: Record<string, unknown>) => string;
  /** When set, requests must carry this `x-api-key` (else 401 authentication_error). */
  apiKey?: string;
  /** Prompt tokens reported as read from / written to Anthropic's prompt cache. */
  cacheReadTokens?: number;
  cacheCreationTokens?: number;
  /** The input of a tool call; defaults to a value built from the tool's input_schema. */
  toolInput?: (toolName: string, body: Record<string, unknown>) => Record<string, unknown>;
}

/** How the next streamed answer breaks after its first text delta. */
export type FakeAnthropicStreamFault = 'error_event' | 'end_early' | 'destroy';

export interface FakeAnthropicServer {
  /** Base URL: `http://127.0.0.1:PORT/v1`; the Messages API is at `${baseURL}/messages`. */
  baseURL: string;
  requests: FakeAnthropicRequest[];
  /** The next Messages request answers this status with Anthropic's error body (and Retry-After when given). */
  failNext(status: number, message?: string, retryAfterSeconds?: number): void;
  /** The next streamed answer fails part way: an `error` event, an end without message_stop, or a dropped socket. */
  failNextStream(fault: FakeAnthropicStreamFault): void;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
type Block = Json & { type: string };
interface Turn {
  role: 'user' | 'assistant';
  blocks: Block[];
}

const errorTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/**
 * A local server speaking Anthropic's Messages API (POST /v1/messages, plain and SSE streamed with
 * the real event sequence, tool_use, errors in Anthropic's shape), so the gateway's translation is
 * tested over real HTTP without a paid API.
 *
 * It checks requests more strictly than the real API (which now merges consecutive same-role
 * turns): turns must alternate starting with the user, text blocks must not be empty, every
 * tool_use must be answered by a tool_result at the start of the next user turn. A translation bug
 * therefore shows up as a 400 instead of passing unnoticed.
 *
 * It calls a tool when the request has tools and either tool_choice asks for one or the last user
 * text names a tool. Token counts are whitespace word counts, deterministic for assertions.
 */
export async function startFakeAnthropicServer(options: FakeAnthropicOptions = {}): Promise<FakeAnthropicServer> {
  const requests: FakeAnthropicRequest[] = [];
  const failures: { status: number; message: string; retryAfterSeconds: number | undefined }[] = [];
  const streamFaults: FakeAnthropicStreamFault[] = [];
  let sequence = 0;
  const server = createServer((request, response) => {
    void readJson(request).then(
      (body) => {
        const path = request.url ?? '/';
        requests.push({ path, body, headers: request.headers });
        if (path !== '/v1/messages') return sendError(response, 404, `no route ${path}`);
        if (request.method !== 'POST') return sendError(response, 405, 'method not allowed');
        const failure = failures.shift();
        if (failure !== undefined) return sendError(response, failure.status, failure.message, failure.retryAfterSeconds);
        const apiKey = request.headers['x-api-key'];
        if (typeof apiKey !== 'string' || apiKey === '' || (options.apiKey !== undefined && apiKey !== options.apiKey)) return sendError(response, 401, 'invalid x-api-key');
        if (request.headers['anthropic-version'] === undefined) return sendError(response, 400, 'anthropic-version: header is required');
        const problem = checkRequest(body);
        if (problem !== null) return sendError(response, 400, problem);
        sequence += 1;
        const answer = answerFor(body, `msg_fake${String(sequence).padStart(4, '0')}`, options);
        if (body.stream === true) return streamAnswer(response, answer, streamFaults.shift());
        sendJson(response, 200, answer);
      },
      () => sendError(response, 400, 'body is not valid JSON'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext: (status, message = 'upstream failure', retryAfterSeconds) => {
      failures.push({ status, message, retryAfterSeconds });
    },
    failNextStream: (fault) => {
      streamFaults.push(fault);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** What the real API would reject in a request; null when it is acceptable. */
function checkRequest(body: Json): string | null {
  if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) return 'max_tokens: Field required';
  if (body.temperature !== undefined && (typeof body.temperature !== 'number' || body.temperature < 0 || body.temperature > 1)) return 'temperature: must be between 0 and 1';
  if (body.system !== undefined && typeof body.system !== 'string' && !Array.isArray(body.system)) return 'system: must be a string or a list of text blocks';
  if (body.stop_sequences !== undefined && (!Array.isArray(body.stop_sequences) || !body.stop_sequences.every((stop) => typeof stop === 'string'))) return 'stop_sequences: must be a list of strings';
  const tools = Array.isArray(body.tools) ? (body.tools as Json[]) : [];
  for (const tool of tools) {
    if (typeof tool.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(tool.name)) return 'tools.name: invalid tool name';
    const schema = tool.input_schema as Json | undefined;
    if (typeof schema !== 'object' || schema === null || schema.type !== 'object') return `tools.${String(tool.name)}.input_schema.type: Input should be 'object'`;
  }
  if (body.tool_choice !== undefined) {
    const choice = body.tool_choice as Json;
    if (!['auto', 'any', 'tool', 'none'].includes(String(choice.type))) return 'tool_choice.type: invalid';
    if (choice.type === 'tool' && !tools.some((tool) => tool.name === choice.name)) return `tool_choice.name: no tool named ${String(choice.name)}`;
    if ((choice.type === 'any' || choice.type === 'tool') && tools.length === 0) return 'tool_choice: tools must be given';
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: at least one message is required';
  let previous: Turn | null = null;
  for (const [index, message] of (body.messages as Json[]).entries()) {
    const turn = toTurn(message);
    if (typeof turn === 'string') return `messages.${index}: ${turn}`;
    if (index === 0 && turn.role !== 'user') return 'messages: first message must use the "user" role';
    if (previous !== null && previous.role === turn.role) return `messages.${index}: roles must alternate between "user" and "assistant"`;
    const unanswered = previous === null ? [] : previous.blocks.filter((block) => block.type === 'tool_use').map((block) => String(block.id));
    const results = turn.blocks.filter((block) => block.type === 'tool_result');
    if (turn.role === 'assistant' && results.length > 0) return `messages.${index}: tool_result blocks belong in user messages`;
    if (turn.role === 'user') {
      const firstOther = turn.blocks.findIndex((block) => block.type !== 'tool_result');
      if (firstOther !== -1 && firstOther < results.length) return `messages.${index}: tool_result blocks must come first in the content`;
      for (const result of results) {
        if (!unanswered.includes(String(result.tool_use_id))) return `messages.${index}: unexpected tool_use_id found in tool_result blocks: ${String(result.tool_use_id)}`;
      }
      const missing = unanswered.filter((id) => !results.some((result) => result.tool_use_id === id));
      if (missing.length > 0) return `messages.${index}: tool_use ids were found without tool_result blocks immediately after: ${missing.join(', ')}`;
    }
    previous = turn;
  }
  if (previous?.role === 'assistant' && previous.blocks.some((block) => block.type === 'tool_use')) return 'messages: the last tool_use has no tool_result';
  return null;
}

function toTurn(message: Json): Turn | string {
  if (message.role !== 'user' && message.role !== 'assistant') return `role: Input should be 'user' or 'assistant', not ${JSON.stringify(message.role)}`;
  const content = message.content;
  if (typeof content === 'string') return content === '' ? 'content: text content blocks must be non-empty' : { role: message.role, blocks: [{ type: 'text', text: content }] };
  if (!Array.isArray(content) || content.length === 0) return 'content: must be a non-empty string or list of blocks';
  const blocks: Block[] = [];
  for (const block of content as Json[]) {
    switch (block.type) {
      case 'text':
        if (typeof block.text !== 'string' || block.text === '') return 'content: text content blocks must be non-empty';
        break;
      case 'image': {
        const source = block.source as Json | undefined;
        if (source?.type === 'base64' ? typeof source.data !== 'string' || typeof source.media_type !== 'string' : source?.type !== 'url' || typeof source.url !== 'string') return 'content: invalid image source';
        if (message.role !== 'user') return 'content: images belong in user messages';
        break;
      }
      case 'tool_use':
        if (message.role !== 'assistant' || typeof block.id !== 'string' || typeof block.name !== 'string' || typeof block.input !== 'object' || block.input === null || Array.isArray(block.input)) return 'content: invalid tool_use block';
        break;
      case 'tool_result':
        if (typeof block.tool_use_id !== 'string') return 'content: tool_result.tool_use_id: Field required';
        break;
      default:
        return `content: unknown block type ${JSON.stringify(block.type)}`;
    }
    blocks.push(block as Block);
  }
  return { role: message.role, blocks };
}

interface Answer {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: Block[];
  stop_reason: string;
  stop_sequence: string | null;
  usage: { input_tokens: number; output_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number };
}

function answerFor(body: Json, id: string, options: FakeAnthropicOptions): Answer {
  const messages = body.messages as Json[];
  const last = toTurn(messages.at(-1) ?? {});
  const lastBlocks = typeof last === 'string' ? [] : last.blocks;
  const lastText = lastBlocks.filter((block) => block.type === 'text').map((block) => String(block.text)).join(' ');
  const toolResults = lastBlocks.filter((block) => block.type === 'tool_result');
  const tools = Array.isArray(body.tools) ? (body.tools as Json[]) : [];
  const choice = (body.tool_choice ?? { type: 'auto' }) as Json;
  const tool =
    toolResults.length > 0 || choice.type === 'none'
      ? undefined
      : choice.type === 'tool'
        ? tools.find((candidate) => candidate.name === choice.name)
        : (tools.find((candidate) => lastText.includes(String(candidate.name))) ?? (choice.type === 'any' ? tools[0] : undefined));

  const content: Block[] = [];
  let stopReason = 'end_turn';
  let stopSequence: string | null = null;
  const maxTokens = body.max_tokens as number;
  if (tool !== undefined) {
    const name = String(tool.name);
    content.push({ type: 'text', text: `Calling ${name}.` });
    content.push({ type: 'tool_use', id: `toolu_${id.slice('msg_'.length)}`, name, input: options.toolInput?.(name, body) ?? inputFromSchema(tool.input_schema) });
    stopReason = 'tool_use';
  } else {
    let text = options.reply
      ? options.reply(body)
      : toolResults.length > 0
        ? `tool results: ${toolResults.map((result) => (typeof result.content === 'string' ? result.content : JSON.stringify(result.content))).join('; ')}`
        : `echo: ${lastText}`;
    const stops = Array.isArray(body.stop_sequences) ? (body.stop_sequences as string[]) : [];
    for (const stop of stops) {
      const at = text.indexOf(stop);
      if (at !== -1 && (stopSequence === null || at < text.indexOf(stopSequence))) stopSequence = stop;
    }
    if (stopSequence !== null) {
      text = text.slice(0, text.indexOf(stopSequence));
      stopReason = 'stop_sequence';
    }
    const words = text.match(/\S+\s*/g) ?? [];
    if (words.length > maxTokens) {
      text = words.slice(0, maxTokens).join('');
      stopReason = 'max_tokens';
      stopSequence = null;
    }
    content.push({ type: 'text', text });
  }
  const system = typeof body.system === 'string' ? body.system : Array.isArray(body.system) ? (body.system as Json[]).map((block) => String(block.text ?? '')).join(' ') : '';
  const promptTokens = countWords(system) + messages.reduce((sum, message) => sum + countWords(textOf(message.content)), 0);
  const cacheRead = Math.min(options.cacheReadTokens ?? 0, promptTokens);
  const cacheCreation = Math.min(options.cacheCreationTokens ?? 0, promptTokens - cacheRead);
  const outputTokens = content.reduce((sum, block) => sum + countWords(block.type === 'text' ? String(block.text) : JSON.stringify(block.input)), 0);
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: body.model as string,
    content,
    stop_reason: stopReason,
    stop_sequence: stopSequence,
    // As Anthropic does, input_tokens leaves out the cached prompt tokens.
    usage: { input_tokens: promptTokens - cacheRead - cacheCreation, output_tokens: outputTokens, cache_creation_input_tokens: cacheCreation, cache_read_input_tokens: cacheRead },
  };
}

/** Anthropic's SSE sequence for an answer; a fault breaks it after the first text delta. */
function streamAnswer(response: ServerResponse, answer: Answer, fault: FakeAnthropicStreamFault | undefined): void {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'request-id': `req_${answer.id}` });
  const send = (type: string, data: Json): void => {
    response.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  };
  send('message_start', { message: { ...answer, content: [], stop_reason: null, stop_sequence: null, usage: { ...answer.usage, output_tokens: 1 } } });
  let faulted = false;
  const maybeFault = (): boolean => {
    if (fault === undefined || faulted) return false;
    faulted = true;
    if (fault === 'error_event') {
      send('error', { error: { type: 'overloaded_error', message: 'Overloaded' } });
      response.end();
    } else if (fault === 'end_early') response.end();
    // Destroyed once the bytes so far are flushed, so the client has its answer's head and part
    // of the body before the connection drops.
    else response.write('', () => response.destroy());
    return true;
  };
  for (const [index, block] of answer.content.entries()) {
    if (block.type === 'text') {
      send('content_block_start', { index, content_block: { type: 'text', text: '' } });
      if (index === 0) send('ping', {});
      for (const piece of String(block.text).match(/\S+\s*/g) ?? []) {
        send('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
        if (maybeFault()) return;
      }
    } else {
      send('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } });
      const json = JSON.stringify(block.input);
      // Anthropic sends the input JSON in arbitrary fragments, not split at token boundaries.
      for (let at = 0; at < json.length; at += 7) send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: json.slice(at, at + 7) } });
    }
    send('content_block_stop', { index });
  }
  send('message_delta', { delta: { stop_reason: answer.stop_reason, stop_sequence: answer.stop_sequence }, usage: { output_tokens: answer.usage.output_tokens } });
  send('message_stop', {});
  response.end();
}

function inputFromSchema(schema: unknown): Json {
  const properties = typeof schema === 'object' && schema !== null ? ((schema as Json).properties as Record<string, Json> | undefined) : undefined;
  const input: Json = {};
  for (const [name, property] of Object.entries(properties ?? {})) {
    input[name] = property.type === 'number' || property.type === 'integer' ? 1 : property.type === 'boolean' ? true : property.type === 'array' ? [] : property.type === 'object' ? {} : 'fake';
  }
  return input;
}

/** The words a turn's content carries, for token counts: texts, tool inputs and tool results. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as Json[])
    .map((block) => (block.type === 'text' ? String(block.text) : block.type === 'tool_use' ? JSON.stringify(block.input) : block.type === 'tool_result' ? textOf(block.content) : ''))
    .join(' ');
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

function sendError(response: ServerResponse, status: number, message: string, retryAfterSeconds?: number): void {
  const type = errorTypes[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  const headers: Record<string, string> = retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
  sendJson(response, status, { type: 'error', error: { type, message } }, headers);
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

async function readJson(request: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
  return value as Json;
}
