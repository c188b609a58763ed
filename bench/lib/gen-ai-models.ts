/** A model an LLM app calls, with the `gen_ai.provider.name` its instrumentation reports. */
export interface GenAiModel {
  provider: string;
  /** What the app asks for (`gen_ai.request.model`). */
  request: string;
  /** What the provider answers with (`gen_ai.response.model`): often a dated snapshot of the request. */
  response: string;
  /** USD per 1M tokens (list prices), for rows seeded straight into the store; null for a self-hosted model. */
  price: { input: number; output: number } | null;
}

/**
 * Twenty models as a production mix names them: mostly priced in the shipped price table, a couple
 * not (self-hosted), so that cost is sometimes null as it is in real traffic.
 */
export const genAiModels: readonly GenAiModel[] = [
  { provider: 'openai', request: 'gpt-4o', response: 'gpt-4o-2024-08-06', price: { input: 2.5, output: 10 } },
  { provider: 'openai', request: 'gpt-4o-mini', response: 'gpt-4o-mini-2024-07-18', price: { input: 0.15, output: 0.6 } },
  { provider: 'openai', request: 'gpt-4.1', response: 'gpt-4.1-2025-04-14', price: { input: 2, output: 8 } },
  { provider: 'openai', request: 'gpt-4.1-mini', response: 'gpt-4.1-mini-2025-04-14', price: { input: 0.4, output: 1.6 } },
  { provider: 'openai', request: 'gpt-4.1-nano', response: 'gpt-4.1-nano-2025-04-14', price: { input: 0.1, output: 0.4 } },
  { provider: 'openai', request: 'gpt-5', response: 'gpt-5-2025-08-07', price: { input: 1.25, output: 10 } },
  { provider: 'openai', request: 'gpt-5-mini', response: 'gpt-5-mini-2025-08-07', price: { input: 0.25, output: 2 } },
  { provider: 'openai', request: 'o3-mini', response: 'o3-mini-2025-01-31', price: { input: 1.1, output: 4.4 } },
  { provider: 'openai', request: 'o4-mini', response: 'o4-mini-2025-04-16', price: { input: 1.1, output: 4.4 } },
  { provider: 'openai', request: 'gpt-3.5-turbo', response: 'gpt-3.5-turbo-0125', price: { input: 0.5, output: 1.5 } },
  { provider: 'anthropic', request: 'claude-3-5-sonnet-20241022', response: 'claude-3-5-sonnet-20241022', price: { input: 3, output: 15 } },
  { provider: 'anthropic', request: 'claude-3-5-haiku-20241022', response: 'claude-3-5-haiku-20241022', price: { input: 0.8, output: 4 } },
  { provider: 'anthropic', request: 'claude-sonnet-4-20250514', response: 'claude-sonnet-4-20250514', price: { input: 3, output: 15 } },
  { provider: 'anthropic', request: 'claude-opus-4-20250514', response: 'claude-opus-4-20250514', price: { input: 15, output: 75 } },
  { provider: 'anthropic', request: 'claude-3-haiku-20240307', response: 'claude-3-haiku-20240307', price: { input: 0.25, output: 1.25 } },
  { provider: 'gcp.gemini', request: 'gemini-2.5-flash', response: 'gemini-2.5-flash', price: { input: 0.3, output: 2.5 } },
  { provider: 'gcp.gemini', request: 'gemini-2.5-pro', response: 'gemini-2.5-pro', price: { input: 1.25, output: 10 } },
  { provider: 'gcp.gemini', request: 'gemini-2.0-flash-lite', response: 'gemini-2.0-flash-lite-001', price: { input: 0.075, output: 0.3 } },
  { provider: 'mistral_ai', request: 'mistral-large-latest', response: 'mistral-large-2411', price: { input: 2, output: 6 } },
  { provider: 'openai', request: 'llama-3.1-70b-instruct', response: 'llama-3.1-70b-instruct', price: null },
];
