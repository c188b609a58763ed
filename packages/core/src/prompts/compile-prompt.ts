import { compilePromptContent, type PromptMessage, type PromptVersion } from '@keel/spec';

/** A version filled with `values`: text for a text prompt, messages for a chat prompt (400 naming any declared variable missing). */
export function compilePrompt(version: PromptVersion, values: Readonly<Record<string, unknown>>): string | PromptMessage[] {
  return compilePromptContent(version, version.variables, values);
}
