import type { Context, ContextManager } from '@opentelemetry/api';
import { type SpanHandleState, setValueAttributes } from './create-span-handle.ts';
import { recordSpanError } from './record-span-error.ts';

/**
 * Runs `fn` with `context` active and ends the handle's span when `fn` is done: at once for a
 * synchronous result, when the promise settles for a thenable. The user's value and error pass
 * through unchanged; recording them never throws.
 */
export function runInSpan<T>(contextManager: ContextManager, context: Context, handle: SpanHandleState, fn: (span: SpanHandleState) => T, maxChars: number): T {
  const { span } = handle;
  const succeed = (value: unknown): void => {
    if (!handle.outputSet) setValueAttributes(span, 'output', value, maxChars);
    span.end();
  };
  const fail = (error: unknown): void => {
    recordSpanError(span, error);
    span.end();
  };
  let result: T;
  try {
    result = contextManager.with(context, fn, undefined, handle);
  } catch (error) {
    fail(error);
    throw error;
  }
  if (isThenable(result)) {
    // The caller gets a plain Promise in place of its thenable, resolving to the same value.
    return Promise.resolve(result).then(
      (value) => {
        succeed(value);
        return value;
      },
      (error: unknown) => {
        fail(error);
        throw error;
      },
    ) as T;
  }
  succeed(result);
  return result;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
