import type { WireSpanNode } from '@keel/spec';

export interface SpanRow {
  node: WireSpanNode;
  depth: number;
  hasChildren: boolean;
  parentId: string | null;
}

/** The tree's rows in display order, skipping the children of collapsed spans. */
export function visibleSpanRows(roots: readonly WireSpanNode[], collapsed: ReadonlySet<string>): SpanRow[] {
  const rows: SpanRow[] = [];
  const walk = (nodes: readonly WireSpanNode[], depth: number, parentId: string | null) => {
    for (const node of nodes) {
      rows.push({ node, depth, hasChildren: node.children.length > 0, parentId });
      if (!collapsed.has(node.span.spanId)) walk(node.children, depth + 1, node.span.spanId);
    }
  };
  walk(roots, 0, null);
  return rows;
}

/** Every span of the tree, depth first. */
export function allSpans(roots: readonly WireSpanNode[]): WireSpanNode[] {
  const result: WireSpanNode[] = [];
  const walk = (nodes: readonly WireSpanNode[]) => {
    for (const node of nodes) {
      result.push(node);
      walk(node.children);
    }
  };
  walk(roots);
  return result;
}
