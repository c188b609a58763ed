/**
 * Anthropic's stop_reason as OpenAI's finish_reason. Unknown reasons (Anthropic adds some, such as
 * pause_turn) read as 'stop': the answer did end, and clients only branch on the known values.
 */
export function toOpenAiFinishReason(stopReason: string | null | undefined): string | null {
  switch (stopReason) {
    case null:
    case undefined:
      return null;
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}
