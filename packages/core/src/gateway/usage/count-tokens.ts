import { createRequire } from 'node:module';
import type { ChatCompletion, ChatCompletionRequest, ChatRequestMessage } from '@keel/spec';

/**
 * Token counts for estimating usage when an upstream reports none, with OpenAI's o200k_base
 * encoding (GPT-4o and later). For other model families the figure is an estimate: callers mark
 * it so.
 */

/** The part of gpt-tokenizer's encoding module used here. */
interface TokenEncoding {
  countTokens(text: string, options?: { disallowedSpecial?: Set<string> }): number;
}

// The o200k table is megabytes of JavaScript: it is loaded on the first count, not at start (and
// only this one encoding, not the package's main module with several). A synchronous require keeps
// the count functions synchronous; the bundler leaves it alone, so the table stays in node_modules.
let encoding: TokenEncoding | undefined;
function loadEncoding(): TokenEncoding {
  encoding ??= createRequire(import.meta.url)('gpt-tokenizer/encoding/o200k_base') as TokenEncoding;
  return encoding;
}

// User text may contain the spelling of special tokens (`<|endoftext|>`): count it as text.
const asPlainText = { disallowedSpecial: new Set<string>() };

/** Per message: `<|im_start|>`, `<|im_sep|>` (after the role) and `<|im_end|>`. */
const tokensPerMessage = 3;
/** A message's `name` adds its own tokens and one more. */
const tokensPerName = 1;
/** Every reply is primed with `<|im_start|>assistant<|im_sep|>`. */
const replyPrimingTokens = 3;
/** An image part costs at least OpenAI's low-detail price; its real cost depends on its size. */
const imagePartTokens = 85;

// Counts of recent texts: the same system prompts and instructions come back on call after call,
// and counting is the costliest step of a reservation. Bounded by the characters held.
const memo = new Map<string, number>();
const memoTextMaxChars = 16_384;
const memoMaxChars = 4_000_000;
let memoChars = 0;

export function countTextTokens(text: string): number {
  if (text === '') return 0;
  const known = memo.get(text);
  if (known !== undefined) return known;
  const count = loadEncoding().countTokens(text, asPlainText);
  if (text.length <= memoTextMaxChars) {
    memo.set(text, count);
    memoChars += text.length;
    for (const oldest of memo.keys()) {
      if (memoChars <= memoMaxChars) break;
      memoChars -= oldest.length;
      memo.delete(oldest);
    }
  }
  return count;
}

/**
 * The prompt tokens of a chat request as OpenAI counts them for the GPT-4o family: per message 3
 * tokens of framing plus its role, text content and name (+1); tool calls of assistant messages
 * (name and arguments); tool definitions and a json_schema response format as JSON text; 3 tokens
 * priming the reply. Exact for plain text conversations; an estimate with tools, whose real
 * rendering OpenAI does not publish, and with images.
 */
export function countChatPromptTokens(request: ChatCompletionRequest): number {
  let tokens = replyPrimingTokens;
  for (const message of request.messages) tokens += countMessageTokens(message);
  if (request.tools !== undefined && request.tools.length > 0) tokens += countTextTokens(JSON.stringify(request.tools.map((tool) => tool.function)));
  if (request.response_format?.type === 'json_schema') tokens += countTextTokens(JSON.stringify(request.response_format.json_schema));
  return tokens;
}

/** The completion tokens of a completion's choices: content, refusal and tool calls (name and arguments). */
export function countCompletionTokens(completion: Pick<ChatCompletion, 'choices'>): number {
  let tokens = 0;
  for (const { message } of completion.choices) {
    tokens += countTextTokens(message.content ?? '') + countTextTokens(message.refusal ?? '');
    for (const toolCall of message.tool_calls ?? []) tokens += countTextTokens(toolCall.function.name) + countTextTokens(toolCall.function.arguments);
  }
  return tokens;
}

function countMessageTokens(message: ChatRequestMessage): number {
  let tokens = tokensPerMessage + countTextTokens(message.role);
  if (typeof message.name === 'string') tokens += countTextTokens(message.name) + tokensPerName;
  const content = message.content;
  if (typeof content === 'string') {
    tokens += countTextTokens(content);
  } else if (Array.isArray(content)) {
    for (const part of content) {
      if (typeof part.text === 'string') tokens += countTextTokens(part.text);
      else if (part.type === 'image_url' || part.type === 'input_image') tokens += imagePartTokens;
    }
  }
  if (message.role === 'assistant') {
    if (typeof message.refusal === 'string') tokens += countTextTokens(message.refusal);
    for (const toolCall of message.tool_calls ?? []) tokens += countTextTokens(toolCall.function.name) + countTextTokens(toolCall.function.arguments);
  }
  return tokens;
}
