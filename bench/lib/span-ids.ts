import { randomBytes } from 'node:crypto';

/** Fresh trace and span ids: a random per-source prefix plus a counter, so no two spans of a run share an id. */
export interface SpanIds {
  nextTraceId(): string;
  nextSpanId(): string;
}

const hex16 = (value: number): string => value.toString(16).padStart(16, '0');

export function createSpanIds(): SpanIds {
  const prefix = randomBytes(8).toString('hex');
  // Span ids start from a random 32-bit offset so that two sources in one run do not collide either.
  let spanCounter = randomBytes(4).readUInt32BE(0) * 1024 + 1;
  let traceCounter = 0;
  return {
    nextTraceId: () => `${prefix}${hex16(++traceCounter)}`,
    nextSpanId: () => hex16(++spanCounter),
  };
}
