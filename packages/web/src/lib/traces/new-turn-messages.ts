import type { ConversationMessage } from './to-conversation.ts';

/**
 * The messages a turn added: a turn's input usually repeats the whole conversation so far, so only
 * what follows the last assistant message is new (the system prompt is left out as well).
 */
export function newTurnMessages(input: readonly ConversationMessage[]): ConversationMessage[] {
  let lastAssistant = -1;
  input.forEach((message, index) => {
    if (message.role === 'assistant') lastAssistant = index;
  });
  const fresh = input.slice(lastAssistant + 1).filter((message) => message.role !== 'system');
  return fresh.length > 0 ? fresh : [...input];
}
