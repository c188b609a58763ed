import type { WireSpan, WireSpanNode } from '@keel/spec';
import { describe, expect, it } from 'vitest';
import { allSpans, visibleSpanRows } from './visible-span-rows.ts';

const node = (spanId: string, children: WireSpanNode[] = []): WireSpanNode => ({ span: { spanId } as WireSpan, offsetMs: 0, depth: 0, children });
const tree = [node('root', [node('a', [node('a1')]), node('b')]), node('orphan')];

describe('visibleSpanRows', () => {
  it('lists the tree depth first with levels and parents', () => {
    expect(visibleSpanRows(tree, new Set()).map((row) => [row.node.span.spanId, row.depth, row.hasChildren, row.parentId])).toEqual([
      ['root', 0, true, null], ['a', 1, true, 'root'], ['a1', 2, false, 'a'], ['b', 1, false, 'root'], ['orphan', 0, false, null],
    ]);
  });

  it('skips the descendants of collapsed spans', () => {
    expect(visibleSpanRows(tree, new Set(['a'])).map((row) => row.node.span.spanId)).toEqual(['root', 'a', 'b', 'orphan']);
    expect(visibleSpanRows(tree, new Set(['root'])).map((row) => row.node.span.spanId)).toEqual(['root', 'orphan']);
  });

  it('allSpans ignores collapsing', () => {
    expect(allSpans(tree).map((item) => item.span.spanId)).toEqual(['root', 'a', 'a1', 'b', 'orphan']);
  });
});
