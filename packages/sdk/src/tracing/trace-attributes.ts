import { type Attributes, type Context, createContextKey } from '@opentelemetry/api';

/** Trace-level attributes (session, user, tags) that every span below a `trace()` or `span()` carries. */
export interface TraceLevelOptions {
  sessionId?: string | undefined;
  userId?: string | undefined;
  tags?: readonly string[] | undefined;
}

const traceAttributesKey = createContextKey('keel.trace-attributes');

/** The attributes to stamp on each span started under `context` (empty when none were set). */
export function readTraceAttributes(context: Context): Attributes | undefined {
  return context.getValue(traceAttributesKey) as Attributes | undefined;
}

/** A context whose spans carry `options` in addition to what the parent context already carries. */
export function withTraceAttributes(context: Context, options: TraceLevelOptions): Context {
  const added = toTraceAttributes(options);
  if (added === undefined) return context;
  const inherited = readTraceAttributes(context);
  return context.setValue(traceAttributesKey, inherited === undefined ? added : mergeTags(inherited, added));
}

export function toTraceAttributes(options: TraceLevelOptions): Attributes | undefined {
  const attributes: Attributes = {};
  let any = false;
  if (options.sessionId !== undefined) {
    attributes['session.id'] = options.sessionId;
    any = true;
  }
  if (options.userId !== undefined) {
    attributes['user.id'] = options.userId;
    any = true;
  }
  if (options.tags !== undefined && options.tags.length > 0) {
    attributes['tag.tags'] = [...options.tags];
    any = true;
  }
  return any ? attributes : undefined;
}

/** Inner values win, except tags, which add up: a child tagged `retry` stays tagged with its trace's tags too. */
function mergeTags(outer: Attributes, inner: Attributes): Attributes {
  const merged = { ...outer, ...inner };
  const outerTags = outer['tag.tags'];
  const innerTags = inner['tag.tags'];
  if (Array.isArray(outerTags) && Array.isArray(innerTags)) merged['tag.tags'] = [...new Set([...(outerTags as string[]), ...(innerTags as string[])])];
  return merged;
}
