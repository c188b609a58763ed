import type { SpanRecord } from '@keel/spec';

export interface SpanNode {
  span: SpanRecord;
  /** Start relative to the trace's first span, for waterfall views. */
  offsetMs: number;
  depth: number;
  children: SpanNode[];
}

/**
 * Arranges a trace's spans (any order) into trees by parent id, children by start time. A span whose
 * parent was never received (lost, or still in flight) becomes a root rather than disappearing.
 */
export function buildSpanTree(spans: readonly SpanRecord[]): SpanNode[] {
  const sorted = [...spans].sort((left, right) => left.startUs - right.startUs || left.spanId.localeCompare(right.spanId));
  const traceStart = sorted[0]?.startUs ?? 0;
  const nodes = new Map<string, SpanNode>();
  for (const span of sorted) nodes.set(span.spanId, { span, offsetMs: (span.startUs - traceStart) / 1000, depth: 0, children: [] });
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId === null ? undefined : nodes.get(node.span.parentSpanId);
    if (parent === undefined || parent === node) roots.push(node);
    else parent.children.push(node);
  }
  const setDepth = (node: SpanNode, depth: number, seen: Set<SpanNode>) => {
    if (seen.has(node)) return;
    seen.add(node);
    node.depth = depth;
    for (const child of node.children) setDepth(child, depth + 1, seen);
  };
  const seen = new Set<SpanNode>();
  for (const root of roots) setDepth(root, 0, seen);
  // Spans in a parent cycle (malformed input) are reachable from no root: keep them as roots.
  for (const node of nodes.values()) if (!seen.has(node)) roots.push(node);
  return roots;
}
