export { createAnthropicProvider, DEFAULT_ANTHROPIC_BASE_URL, type AnthropicProviderOptions } from './create-anthropic-provider.ts';
export { toAnthropicRequest, DEFAULT_ANTHROPIC_MAX_TOKENS } from './to-anthropic-request.ts';
export { fromAnthropicMessage } from './from-anthropic-message.ts';
export { translateAnthropicStream } from './translate-anthropic-stream.ts';
