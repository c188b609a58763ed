import { KeelError } from '../keel-error.ts';
import type { PromptMessage, PromptContent } from './prompts.ts';

/**
 * The `{{variable}}` grammar, shared by the server (which validates templates) and the SDK (which
 * compiles them), so both read a template the same way. A placeholder is `{{`, optional spaces, a
 * name `[A-Za-z_][A-Za-z0-9_]*`, optional spaces, `}}`; any other `{{...}}` (no braces inside) is
 * an invalid placeholder, refused when a version is created.
 */
const anyPlaceholder = /\{\{([^{}]*)\}\}/g;
const variablePlaceholder = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface TemplateScan {
  /** Variable names in order of first use, without repeats. */
  variables: string[];
  /** Placeholders that are not a variable name, as written. */
  invalid: string[];
}

export function scanTemplate(text: string): TemplateScan {
  const variables = new Set<string>();
  const invalid = new Set<string>();
  for (const match of text.matchAll(anyPlaceholder)) {
    const inner = (match[1] ?? '').trim();
    if (variableName.test(inner)) variables.add(inner);
    else invalid.add(match[0]);
  }
  return { variables: [...variables], invalid: [...invalid] };
}

/** The template texts of a version: the template, or every message's content. */
export function promptTexts(content: PromptContent): string[] {
  return content.type === 'text' ? [content.template] : content.messages.map((message) => message.content);
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

/** One pass, so a value that itself contains `{{x}}` is inserted as it is, never expanded again. */
function fill(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(variablePlaceholder, (whole, name: string) => values.get(name) ?? whole);
}

export function compilePromptContent(content: { type: 'text'; template: string }, declared: readonly string[], values: Readonly<Record<string, unknown>>): string;
export function compilePromptContent(content: { type: 'chat'; messages: PromptMessage[] }, declared: readonly string[], values: Readonly<Record<string, unknown>>): PromptMessage[];
export function compilePromptContent(content: PromptContent, declared: readonly string[], values: Readonly<Record<string, unknown>>): string | PromptMessage[];
/**
 * Fills the declared variables. A declared variable without a value is an error naming every one
 * missing (a half-filled prompt sent to a model is worse than a failure); values for names the
 * version does not declare are ignored.
 */
export function compilePromptContent(content: PromptContent, declared: readonly string[], values: Readonly<Record<string, unknown>>): string | PromptMessage[] {
  const missing = declared.filter((name) => !Object.hasOwn(values, name) || values[name] === undefined);
  if (missing.length > 0) {
    throw new KeelError('INVALID_PARAMETER_VALUE', `Missing prompt variable${missing.length === 1 ? '' : 's'}: ${missing.join(', ')}`, { details: { missing } });
  }
  // A Map, not an object: `__proto__` is a valid variable name.
  const known = new Map(declared.map((name) => [name, asText(values[name])]));
  if (content.type === 'text') return fill(content.template, known);
  return content.messages.map((message) => ({ role: message.role, content: fill(message.content, known) }));
}
