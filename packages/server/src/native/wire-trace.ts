import type { SpanNode } from '@keel/core';
import type { SpanRecord, TraceSummary, WireSpan, WireSpanNode, WireTraceSummary } from '@keel/spec';

/** Stored input/output is JSON text; the API answers the JSON value itself. */
function parseStored(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const isoFromMicros = (micros: number): string => new Date(Math.floor(micros / 1000)).toISOString();

export function wireTraceSummary(trace: TraceSummary): WireTraceSummary {
  return { ...trace, startTime: isoFromMicros(trace.startUs), input: parseStored(trace.input), output: parseStored(trace.output) };
}

export function wireSpan(span: SpanRecord): WireSpan {
  return { ...span, startTime: isoFromMicros(span.startUs), input: parseStored(span.input), output: parseStored(span.output) };
}

export function wireSpanNode(node: SpanNode): WireSpanNode {
  return { span: wireSpan(node.span), offsetMs: node.offsetMs, depth: node.depth, children: node.children.map(wireSpanNode) };
}
