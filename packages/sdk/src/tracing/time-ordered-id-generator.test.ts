import { describe, expect, it } from 'vitest';
import { createTimeOrderedIdGenerator } from './time-ordered-id-generator.ts';

describe('createTimeOrderedIdGenerator', () => {
  it('makes W3C trace ids that begin with the time in milliseconds, sort by it, and differ in their random tail', () => {
    let nowMs = Date.UTC(2026, 11, 1, 3, 0, 0, 5);
    const ids = createTimeOrderedIdGenerator(() => nowMs);
    const first = ids.generateTraceId();
    const same = ids.generateTraceId();
    nowMs += 1;
    const later = ids.generateTraceId();
    for (const id of [first, same, later]) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(Number.parseInt(first.slice(0, 12), 16)).toBe(Date.UTC(2026, 11, 1, 3, 0, 0, 5));
    expect(same).not.toBe(first);
    expect(first < later && same < later).toBe(true);
    expect(ids.generateSpanId()).toMatch(/^[0-9a-f]{16}$/);
  });
});
