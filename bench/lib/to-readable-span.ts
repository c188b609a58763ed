import { type HrTime, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { PlannedSpan } from './gen-ai-trace.ts';

const hrTime = (ms: number): HrTime => {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
};

export const benchScope = { name: 'keel-bench-genai', version: '1.0.0' };

/** A finished span as an OpenTelemetry SDK hands it to its exporter, built without running a tracer. */
export function toReadableSpan(span: PlannedSpan, resource: Resource): ReadableSpan {
  const context = { traceId: span.traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED };
  return {
    name: span.name,
    kind: span.otelKind,
    spanContext: () => context,
    ...(span.parentSpanId === null ? {} : { parentSpanContext: { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: TraceFlags.SAMPLED } }),
    startTime: hrTime(span.startMs),
    endTime: hrTime(span.startMs + span.durationMs),
    duration: hrTime(span.durationMs),
    status: span.error ? { code: SpanStatusCode.ERROR, message: String(span.attributes['error.type'] ?? 'error') } : { code: SpanStatusCode.UNSET },
    attributes: span.attributes,
    links: [],
    events: [],
    ended: true,
    resource,
    instrumentationScope: benchScope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
