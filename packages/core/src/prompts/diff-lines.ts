export type LineOp = 'equal' | 'add' | 'remove';

export interface DiffLine {
  op: LineOp;
  text: string;
}

/**
 * A shortest line diff (Myers, O((N+M)·D)) of `before` and `after`. Past `maxEdits` differing lines
 * the middle part is given as all removed then all added: a diff that large is read as "rewritten"
 * anyway, and this bounds the time and memory one request can take.
 */
export function diffLines(before: readonly string[], after: readonly string[], maxEdits = 1_000): DiffLine[] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start += 1;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore -= 1;
    endAfter -= 1;
  }
  const a = before.slice(start, endBefore);
  const b = after.slice(start, endAfter);
  const middle = myers(a, b, maxEdits) ?? [...a.map((text): DiffLine => ({ op: 'remove', text })), ...b.map((text): DiffLine => ({ op: 'add', text }))];
  return [
    ...before.slice(0, start).map((text): DiffLine => ({ op: 'equal', text })),
    ...middle,
    ...before.slice(endBefore).map((text): DiffLine => ({ op: 'equal', text })),
  ];
}

function myers(a: readonly string[], b: readonly string[], maxEdits: number): DiffLine[] | undefined {
  const n = a.length;
  const m = b.length;
  const offset = n + m + 1;
  const v = new Int32Array(2 * offset + 1);
  // trace[d] is the furthest x per diagonal after round d-1, for diagonals -(d+1)..(d+1).
  const trace: Int32Array[] = [];
  const at = (snapshot: Int32Array, d: number, k: number): number => snapshot[k + d + 1] ?? 0;
  for (let d = 0; d <= Math.min(n + m, maxEdits); d += 1) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0)) ? (v[offset + k + 1] ?? 0) : (v[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace, at);
    }
  }
  return undefined;
}

function backtrack(a: readonly string[], b: readonly string[], trace: Int32Array[], at: (snapshot: Int32Array, d: number, k: number) => number): DiffLine[] {
  const out: DiffLine[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d -= 1) {
    const snapshot = trace[d] ?? new Int32Array(0);
    const k = x - y;
    const previousK = k === -d || (k !== d && at(snapshot, d, k - 1) < at(snapshot, d, k + 1)) ? k + 1 : k - 1;
    const previousX = d === 0 ? 0 : at(snapshot, d, previousK);
    const previousY = d === 0 ? 0 : previousX - previousK;
    while (x > previousX && y > previousY) {
      out.push({ op: 'equal', text: a[x - 1] ?? '' });
      x -= 1;
      y -= 1;
    }
    if (d > 0) {
      if (x === previousX) out.push({ op: 'add', text: b[y - 1] ?? '' });
      else out.push({ op: 'remove', text: a[x - 1] ?? '' });
    }
    x = previousX;
    y = previousY;
  }
  return out.reverse();
}
