import type { AttributeValue } from '@keel/spec';

/** `gen_ai.system` values renamed when `gen_ai.provider.name` replaced it. */
const renamed: Record<string, string> = {
  vertex_ai: 'gcp.vertex_ai',
  gemini: 'gcp.gemini',
  'az.ai.inference': 'azure.ai.inference',
  'az.ai.openai': 'azure.ai.openai',
};

/** A provider name in the current GenAI spelling, lower case. */
export function normalizeProvider(value: AttributeValue): string | null {
  if (typeof value !== 'string') return null;
  const name = value.trim().toLowerCase();
  if (name.length === 0) return null;
  return Object.hasOwn(renamed, name) ? (renamed[name] ?? name) : name;
}

/** The AI SDK writes `provider.api` (`openai.chat`, `openai.embedding`, `google.generative-ai`): the provider is the part before the dot. */
export function normalizeVercelProvider(value: AttributeValue): string | null {
  const name = normalizeProvider(value);
  if (name === null) return null;
  const dot = name.indexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
