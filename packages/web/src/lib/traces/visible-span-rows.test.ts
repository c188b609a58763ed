import type { WireSpan, WireSpanNode } from '@keel/spec';
import { describe, expect, it } from 'vitest';
import { allSpans, visibleSpanRows } from './visible-span-rows.ts';

const node = (spanId: string, children: WireSpanNode[] = []): WireSpanNode => ({ span: { spanId } as WireSpan, offsetMs: 0, depth: 0, children });
const tree = [node('root', [node('a', [node('a1')]), node('b')]), node('orphan')];

describe('visibleSpanRows', () => {
  it('lists the tree depth first with levels, parents and places among siblings', () => {
    expect(visibleSpanRows(tree, new Set()).map((row) => [row.node.span.spanId, row.depth, row.hasChildren, row.parentId, row.position, row.setSize])).toEqual([
      ['root', 0, true, null, 1, 2], ['a', 1, true, 'root', 1, 2], ['a1', 2, false, 'a', 1, 1], ['b', 1, false, 'root', 2, 2], ['orphan', 0, false, null, 2, 2],
    ]);
  });

  it('skips the descendants of collapsed spans', () => {
    expect(visibleSpanRows(tree, new Set(['a'])).map((row) => row.node.span.spanId)).toEqual(['root', 'a', 'b', 'orphan']);
    expect(visibleSpanRows(tree, new Set(['root'])).map((row) => row.node.span.spanId)).toEqual(['root', 'orphan']);
  });

  it('walks a chain far deeper than the call stack would allow', () => {
    let deepest = node('s0');
    const root = deepest;
    for (let index = 1; index < 50_000; index += 1) {
      const child = node(`s${index}`);
      deepest.children.push(child);
      deepest = child;
    }
    const rows = visibleSpanRows([root], new Set());
    expect(rows).toHaveLength(50_000);
    expect(rows.at(-1)).toMatchObject({ depth: 49_999, parentId: 's49998', hasChildren: false });
  });

  it('allSpans ignores collapsing', () => {
    expect(allSpans(tree).map((item) => item.span.spanId)).toEqual(['root', 'a', 'a1', 'b', 'orphan']);
  });
});
