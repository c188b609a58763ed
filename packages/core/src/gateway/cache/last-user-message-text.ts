import type { ChatCompletionRequest, ChatRequestMessage } from '@keel/spec';

/** Position of the conversation's last user message; -1 when it has none. */
export function lastUserMessageIndex(messages: readonly ChatRequestMessage[]): number {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    if (messages[index]?.role === 'user') return index;
  }
  return -1;
}

/**
 * The text of the conversation's last user message: its string content, or its text parts joined
 * by newlines (other parts, such as images, have no text). Undefined when there is no user message.
 */
export function lastUserMessageText(request: Pick<ChatCompletionRequest, 'messages'>): string | undefined {
  const message = request.messages[lastUserMessageIndex(request.messages)];
  if (message?.role !== 'user') return undefined;
  if (typeof message.content === 'string') return message.content;
  const texts: string[] = [];
  for (const part of message.content) {
    if (part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
  }
  return texts.join('\n');
}
