import { randomUUID } from 'node:crypto';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, ChatRequestMessage, CompletionUsage, EmbeddingsRequest, EmbeddingsResponse } from '@keel/spec';
import { type CallSignal, isUpstreamError, toAbortSignal, UpstreamError, type ChatProvider, type ChatResult, type ProviderCallContext, type StreamChunk } from '@keel/core';
import type * as NodeLlamaCppModule from 'node-llama-cpp';
import { createChannel } from './create-channel.ts';
import { createTurnQueue } from './create-turn-queue.ts';
import type { ChatHistoryItem, LlamaContext, LlamaEmbeddingContext, LlamaModel, LlamaText, Llama, Token } from 'node-llama-cpp';

type NodeLlamaCpp = typeof NodeLlamaCppModule;

export interface LlamaCppProviderOptions {
  /** Path of the GGUF file. */
  modelPath: string;
  /** CPU threads llama.cpp may use; set explicitly because its own guess can exceed the cores a container has. */
  threads: number;
  /** Tokens the chat context holds (prompt plus answer); the model's training length, at most 4096, where missing. */
  contextSize?: number | undefined;
  nowMs?: () => number;
  newId?: () => string;
  /** Loads node-llama-cpp; a seam for tests, the real dynamic import where missing. */
  importModule?: () => Promise<NodeLlamaCpp>;
}

export interface LlamaCppProvider extends ChatProvider {
  readonly type: 'llama-cpp';
  /** Width of the vectors embed() returns. */
  readonly embeddingSize: number;
  close(): Promise<void>;
}

const installHint = 'install it with `npm i -E -O node-llama-cpp@3.21.1`';
/** Stop text for the plain template: the model starting the user's next turn. */
const plainTemplateStops = ['\nuser:'];

/**
 * A local GGUF model run in this process by llama.cpp (node-llama-cpp, an optional dependency
 * imported only here). One context with one sequence: requests take turns, so concurrent calls
 * cannot corrupt each other's state. The sequence's history is cleared before each request so
 * that a seed gives the same answer to the same request.
 */
export async function createLlamaCppProvider(options: LlamaCppProviderOptions): Promise<LlamaCppProvider> {
  const nowMs = options.nowMs ?? (() => Date.now());
  const newId = options.newId ?? (() => randomUUID().replaceAll('-', ''));
  const library = await importNodeLlamaCpp(options.importModule);

  let llama: Llama;
  try {
    llama = await library.getLlama({ gpu: false, build: 'never', maxThreads: options.threads, progressLogs: false, logLevel: library.LlamaLogLevel.error });
  } catch (error) {
    throw new Error(`llama-cpp: no prebuilt llama.cpp binary loads on this machine (${errorMessage(error)}); keel never builds one`, { cause: error });
  }
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath: options.modelPath, gpuLayers: 0 });
  } catch (error) {
    await llama.dispose();
    throw new Error(`llama-cpp: cannot load the GGUF model at ${options.modelPath}: ${errorMessage(error)}`, { cause: error });
  }

  let context: LlamaContext;
  try {
    context = await model.createContext({ contextSize: options.contextSize ?? Math.min(model.trainContextSize, 4096), threads: options.threads, sequences: 1 });
  } catch (error) {
    await model.dispose();
    await llama.dispose();
    throw new Error(`llama-cpp: cannot create a context for ${options.modelPath}: ${errorMessage(error)}`, { cause: error });
  }
  const sequence = context.getSequence();
  const chatTemplate = model.fileInfo.metadata.tokenizer?.chat_template;
  const chatWrapper = typeof chatTemplate === 'string' && chatTemplate !== '' ? library.resolveChatWrapper(model) : null;
  const beginningToken = model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
  const chatTurns = createTurnQueue();
  const embedTurns = createTurnQueue();
  let embeddingContext: Promise<LlamaEmbeddingContext> | null = null;

  /** The prompt's tokens without the BOS token (added at evaluation), and the template's stop strings. */
  function preparePrompt(messages: ChatRequestMessage[]): PreparedPrompt {
    let tokens: Token[];
    let stops: string[];
    if (chatWrapper !== null) {
      const state = chatWrapper.generateContextState({ chatHistory: [...toChatHistory(messages), { type: 'model', response: [] }] });
      tokens = state.contextText.tokenize(model.tokenizer);
      // End-of-generation tokens end the evaluation by themselves; text triggers become stop strings.
      stops = state.stopGenerationTriggers.flatMap((trigger) => textOfTrigger(trigger, library));
    } else {
      tokens = model.tokenize(formatPlainPrompt(messages));
      stops = plainTemplateStops;
    }
    if (beginningToken !== null && tokens[0] === beginningToken) tokens = tokens.slice(1);
    return { tokens, promptTokens: tokens.length + (beginningToken === null ? 0 : 1), stops };
  }

  /**
   * Samples token by token from a cleared sequence. Text is released whole characters at a time
   * (byte-fallback tokens can split one), and held back while it could still turn into a stop
   * string, so the answer never shows a stop string or part of one.
   */
  async function generate(request: ChatCompletionRequest, prompt: PreparedPrompt, signal: CallSignal, onText: ((text: string) => void) | null): Promise<{ text: string; finishReason: 'stop' | 'length'; usage: CompletionUsage }> {
    const room = context.contextSize - prompt.promptTokens;
    const requested = request.max_completion_tokens ?? request.max_tokens ?? null;
    const maxTokens = requested === null ? room : Math.min(requested, room);
    const requestStops = typeof request.stop === 'string' ? [request.stop] : (request.stop ?? []);
    const stops = [...prompt.stops, ...requestStops].filter((stop) => stop !== '');
    await sequence.clearHistory();
    if (signal.aborted) throw signal.reason;

    const input = beginningToken === null ? prompt.tokens : [beginningToken, ...prompt.tokens];
    let previousTokens: Token[] = input.slice(-8);
    let pending: Token[] = [];
    let text = '';
    let sent = 0;
    let completionTokens = 0;
    let finishReason: 'stop' | 'length' = 'stop';
    const release = (upTo: number): void => {
      if (upTo > sent && onText !== null) onText(text.slice(sent, upTo));
      sent = Math.max(sent, upTo);
    };

    const evaluation = sequence.evaluate(input, {
      temperature: request.temperature ?? 1,
      ...(request.top_p === null || request.top_p === undefined ? {} : { topP: request.top_p }),
      ...(request.seed === null || request.seed === undefined ? {} : { seed: request.seed }),
    });
    let stopAt = -1;
    for await (const token of evaluation) {
      if (signal.aborted) throw signal.reason;
      completionTokens += 1;
      pending.push(token);
      const piece = model.detokenize(pending, false, previousTokens);
      // A UTF-8 character spans at most 4 byte tokens: wait for the rest unless this is the last token.
      const lastToken = completionTokens >= maxTokens;
      if (piece.endsWith('\uFFFD') && pending.length < 4 && !lastToken) continue;
      const searchFrom = Math.max(0, text.length - longestStop(stops));
      text += piece;
      previousTokens = [...previousTokens, ...pending].slice(-8);
      pending = [];
      stopAt = findStop(text, stops, searchFrom);
      if (stopAt >= 0) break;
      if (lastToken) {
        finishReason = 'length';
        break;
      }
      release(text.length - heldBackLength(text, stops));
    }
    if (signal.aborted) throw signal.reason;
    if (stopAt >= 0) text = text.slice(0, stopAt);
    release(text.length);
    return { text, finishReason, usage: { prompt_tokens: prompt.promptTokens, completion_tokens: completionTokens, total_tokens: prompt.promptTokens + completionTokens } };
  }

  async function chat(request: ChatCompletionRequest, callContext: ProviderCallContext): Promise<ChatResult> {
    rejectUnsupported(request);
    const prompt = preparePrompt(request.messages);
    if (prompt.promptTokens >= context.contextSize) {
      throw new UpstreamError({ failure: 'status', status: 400, message: `llama-cpp: the prompt is ${prompt.promptTokens} tokens; the context holds ${context.contextSize}` });
    }
    const id = `chatcmpl-${newId()}`;
    const created = Math.floor(nowMs() / 1000);
    const release = await chatTurns.acquire(callContext.signal);

    if (request.stream !== true) {
      try {
        const result = await generate(request, prompt, callContext.signal, null);
        const answer: ChatCompletion = {
          id,
          object: 'chat.completion',
          created,
          model: request.model,
          choices: [{ index: 0, message: { role: 'assistant', content: result.text }, finish_reason: result.finishReason, logprobs: null }],
          usage: result.usage,
        };
        return { stream: false, completion: answer };
      } catch (error) {
        throw toUpstreamError(error, callContext.signal);
      } finally {
        release();
      }
    }

    const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], finishReason: string | null): StreamChunk => ({
      chunk: { id, object: 'chat.completion.chunk', created, model: request.model, choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }] },
    });
    // Stops generation when the caller stops reading, as well as on the gateway's signal.
    const reader = new AbortController();
    const signal = AbortSignal.any([toAbortSignal(callContext.signal), reader.signal]);
    const channel = createChannel<StreamChunk>();
    channel.push(chunk({ role: 'assistant', content: '' }, null));
    generate(request, prompt, signal, (text) => channel.push(chunk({ content: text }, null)))
      .then((result) => {
        channel.push(chunk({}, result.finishReason));
        channel.push({ chunk: { id, object: 'chat.completion.chunk', created, model: request.model, choices: [], usage: result.usage } });
        channel.end();
      })
      .catch((error: unknown) => channel.fail(toUpstreamError(error, signal)))
      .finally(release);

    async function* chunks(): AsyncGenerator<StreamChunk> {
      try {
        yield* channel.drain();
      } finally {
        reader.abort();
      }
    }
    return { stream: true, chunks: chunks() };
  }

  async function embed(request: EmbeddingsRequest, callContext: ProviderCallContext): Promise<EmbeddingsResponse> {
    if (request.dimensions !== undefined && request.dimensions !== model.embeddingVectorSize) {
      throw new UpstreamError({ failure: 'status', status: 400, message: `llama-cpp: this model's embeddings have ${model.embeddingVectorSize} dimensions, not ${request.dimensions}` });
    }
    const inputs: (string | Token[])[] = typeof request.input === 'string' ? [request.input] : isTokenList(request.input) ? [request.input as Token[]] : (request.input as (string | Token[])[]);
    const release = await embedTurns.acquire(callContext.signal);
    try {
      embeddingContext ??= model.createEmbeddingContext({ contextSize: Math.min(model.trainContextSize, 4096), threads: options.threads });
      const embedder = await embeddingContext;
      const data: EmbeddingsResponse['data'] = [];
      let promptTokens = 0;
      for (const [index, input] of inputs.entries()) {
        if (callContext.signal.aborted) throw callContext.signal.reason;
        promptTokens += embedder.calculateInputLength(input);
        const { vector } = await embedder.getEmbeddingFor(input);
        data.push({ object: 'embedding', index, embedding: request.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : [...vector] });
      }
      return { object: 'list', data, model: request.model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } };
    } catch (error) {
      throw toUpstreamError(error, callContext.signal);
    } finally {
      release();
    }
  }

  async function close(): Promise<void> {
    // Waits for running requests so that no evaluation runs on freed memory.
    const never = new AbortController().signal;
    const chatRelease = await chatTurns.acquire(never);
    const embedRelease = await embedTurns.acquire(never);
    try {
      if (embeddingContext !== null) await (await embeddingContext).dispose();
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    } finally {
      chatRelease();
      embedRelease();
    }
  }

  return { type: 'llama-cpp', embeddingSize: model.embeddingVectorSize, chat, embed, close };
}

interface PreparedPrompt {
  tokens: Token[];
  promptTokens: number;
  stops: string[];
}

/** A trigger made of text only, as a string; none for one holding special tokens (</s>, <|eot_id|>), which evaluation stops on. */
function textOfTrigger(trigger: LlamaText, library: NodeLlamaCpp): string[] {
  let text = '';
  for (const value of trigger.values) {
    if (typeof value === 'string') text += value;
    else if (value instanceof library.SpecialTokensText) text += value.value;
    else return [];
  }
  return text === '' ? [] : [text];
}

/** Earliest index of a stop string that ends after `from`, or -1. */
function findStop(text: string, stops: string[], from: number): number {
  let earliest = -1;
  for (const stop of stops) {
    const index = text.indexOf(stop, from);
    if (index >= 0 && (earliest < 0 || index < earliest)) earliest = index;
  }
  return earliest;
}

/** Length of the longest end of `text` that begins a stop string: text that must wait for the next token. */
function heldBackLength(text: string, stops: string[]): number {
  let longest = 0;
  for (const stop of stops) {
    for (let length = Math.min(stop.length - 1, text.length); length > longest; length -= 1) {
      if (stop.startsWith(text.slice(text.length - length))) {
        longest = length;
        break;
      }
    }
  }
  return longest;
}

function longestStop(stops: string[]): number {
  return stops.reduce((longest, stop) => Math.max(longest, stop.length), 0);
}

async function importNodeLlamaCpp(importModule: (() => Promise<NodeLlamaCpp>) | undefined): Promise<NodeLlamaCpp> {
  try {
    return importModule === undefined ? await import('node-llama-cpp') : await importModule();
  } catch (error) {
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new Error(`llama-cpp providers need the optional package node-llama-cpp, which is not installed; ${installHint}`, { cause: error });
    }
    throw new Error(`llama-cpp: node-llama-cpp failed to load (${errorMessage(error)}); reinstall it: ${installHint}`, { cause: error });
  }
}

/** The fallback for models without a chat template: one `role: text` line per message, then the assistant's cue. */
function formatPlainPrompt(messages: ChatRequestMessage[]): string {
  const lines = messages.map((message) => `${message.role === 'developer' ? 'system' : message.role}: ${messageText(message)}`);
  return `${lines.join('\n')}\nassistant:`;
}

function toChatHistory(messages: ChatRequestMessage[]): ChatHistoryItem[] {
  return messages.map((message): ChatHistoryItem => {
    switch (message.role) {
      case 'system':
      case 'developer':
        return { type: 'system', text: messageText(message) };
      case 'user':
        return { type: 'user', text: messageText(message) };
      case 'assistant':
        return { type: 'model', response: [messageText(message)] };
      case 'tool':
        throw unsupported('tool messages');
    }
  });
}

function messageText(message: ChatRequestMessage): string {
  const content = message.content;
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part) => {
      if (part.type !== 'text' || typeof part.text !== 'string') throw unsupported(`content parts of type ${part.type}`);
      return part.text;
    })
    .join('');
}

function rejectUnsupported(request: ChatCompletionRequest): void {
  if (request.tools !== undefined && request.tools.length > 0) throw unsupported('tools');
  if (request.n !== undefined && request.n !== null && request.n > 1) throw unsupported('n > 1');
  if (request.logprobs === true) throw unsupported('logprobs');
  if (request.response_format !== undefined && request.response_format.type !== 'text') throw unsupported(`response_format ${request.response_format.type}`);
  for (const message of request.messages) {
    if (message.role === 'tool') throw unsupported('tool messages');
    if (message.role === 'assistant' && message.tool_calls !== undefined && message.tool_calls.length > 0) throw unsupported('tool calls');
  }
}

function unsupported(what: string): UpstreamError {
  return new UpstreamError({ failure: 'status', status: 400, message: `llama-cpp providers do not support ${what}` });
}

function toUpstreamError(error: unknown, signal: CallSignal): UpstreamError {
  if (isUpstreamError(error)) return error;
  if (signal.aborted) return new UpstreamError({ failure: 'aborted', message: 'llama-cpp: generation aborted', cause: error });
  return new UpstreamError({ failure: 'status', status: 500, message: `llama-cpp: ${errorMessage(error)}`, cause: error });
}

function isTokenList(input: EmbeddingsRequest['input']): boolean {
  return Array.isArray(input) && input.length > 0 && typeof input[0] === 'number';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
