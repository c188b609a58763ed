import type { ChatCompletionRequest, ChatRequestMessage } from '@keel/spec';
import { canonicalJson } from './canonical-json.ts';
import { hashCacheMaterial, requestWithoutNeutralFields } from './exact-cache-key.ts';
import { lastUserMessageIndex } from './last-user-message-text.ts';

/**
 * The semantic cache's scope of a chat request: entries are compared by meaning only within one
 * scope. It is the project id and a hash of everything in the request but the text of the last
 * user message: the model, every parameter that can change the answer (the same ones as the
 * exact key), and the whole conversation around that message (what comes before and after it, its
 * name, its non-text parts such as images). So two requests share a scope exactly when they differ
 * at most in the wording of the last user message, which is what the embedding compares.
 */
export function semanticCacheScope(projectId: number, request: ChatCompletionRequest): string {
  const lastUser = lastUserMessageIndex(request.messages);
  const messages = request.messages.map((message, index) => (index === lastUser ? withoutText(message) : message));
  return `${projectId}:semantic:${hashCacheMaterial(canonicalJson({ ...requestWithoutNeutralFields(request), messages }))}`;
}

/** The message with its text replaced by placeholders; a string and a single text part look alike. */
function withoutText(message: ChatRequestMessage): Record<string, unknown> {
  if (message.role !== 'user') return message;
  const parts = typeof message.content === 'string' ? [{ type: 'text' }] : message.content;
  return { ...message, content: parts.map((part) => (part.type === 'text' ? { type: 'text' } : part)), semantic_text: true };
}
