import { type ConventionTable, rulesFor } from './field-rule.ts';
import type { MappingContext } from './mapping-context.ts';
import { readId, readText } from './read-value.ts';

const rule = rulesFor('otel');

/** General OpenTelemetry semantic conventions (errors, exceptions, end users), last: the most generic. */
export const otelTable: ConventionTable = {
  convention: 'otel',
  fields: {
    userId: [rule.attribute('enduser.id', readId)],
    error: [
      // The exception event says most (type and message), then error.type, then the status description.
      rule.derived('event "exception"', exceptionOf),
      rule.attribute('error.type', readText),
      rule.derived('status.message when status.code is 2', (context) => (context.span.status?.code === 2 ? readText(context.span.status.message) : null)),
    ],
  },
};

function exceptionOf(context: MappingContext): string | null {
  const events = context.span.events;
  if (!Array.isArray(events)) return null;
  for (const event of events) {
    if (event?.name !== 'exception' || typeof event.attributes !== 'object' || event.attributes === null) continue;
    const type = readText(event.attributes['exception.type'] ?? null);
    const message = readText(event.attributes['exception.message'] ?? null);
    if (type !== null && message !== null) return `${type}: ${message}`;
    if (type !== null || message !== null) return type ?? message;
  }
  return null;
}
