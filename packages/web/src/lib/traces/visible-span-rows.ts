import type { WireSpanNode } from '@keel/spec';

export interface SpanRow {
  node: WireSpanNode;
  depth: number;
  hasChildren: boolean;
  parentId: string | null;
  /** 1-based place among its siblings, and how many siblings there are (aria-posinset, aria-setsize). */
  position: number;
  setSize: number;
}

interface Frame {
  nodes: readonly WireSpanNode[];
  next: number;
  depth: number;
  parentId: string | null;
}

/**
 * The tree's rows in display order, skipping the children of collapsed spans. Walked with a stack of
 * its own rather than by recursion, so a trace nested thousands deep does not run out of call stack.
 */
export function visibleSpanRows(roots: readonly WireSpanNode[], collapsed: ReadonlySet<string>): SpanRow[] {
  const rows: SpanRow[] = [];
  const stack: Frame[] = [{ nodes: roots, next: 0, depth: 0, parentId: null }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    const node = frame.nodes[frame.next];
    if (node === undefined) {
      stack.pop();
      continue;
    }
    frame.next += 1;
    const hasChildren = node.children.length > 0;
    rows.push({ node, depth: frame.depth, hasChildren, parentId: frame.parentId, position: frame.next, setSize: frame.nodes.length });
    if (hasChildren && !collapsed.has(node.span.spanId)) stack.push({ nodes: node.children, next: 0, depth: frame.depth + 1, parentId: node.span.spanId });
  }
  return rows;
}

/** Every span of the tree, depth first. */
export function allSpans(roots: readonly WireSpanNode[]): WireSpanNode[] {
  return visibleSpanRows(roots, new Set()).map((row) => row.node);
}
