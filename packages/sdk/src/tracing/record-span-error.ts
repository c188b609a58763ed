import { type Span, SpanStatusCode } from '@opentelemetry/api';

/** Marks `span` failed by `error` in the shape OTel readers expect: an exception event, status ERROR and `error.type`. */
export function recordSpanError(span: Span, error: unknown): void {
  if (error instanceof Error) {
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  } else {
    const message = typeof error === 'string' ? error : safeJson(error);
    span.recordException(message);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  span.setAttribute('error.type', errorType(error));
  const status = typeof error === 'object' && error !== null && 'status' in error ? error.status : undefined;
  if (typeof status === 'number') span.setAttribute('http.response.status_code', status);
}

/** A low-cardinality name for the failure: the error's class (RateLimitError, TypeError), not its message. */
function errorType(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  if (error.name !== 'Error') return error.name;
  const constructorName = (error.constructor as { name?: unknown } | undefined)?.name;
  return typeof constructorName === 'string' && constructorName !== '' ? constructorName : 'Error';
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
