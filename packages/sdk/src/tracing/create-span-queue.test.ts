import { describe, expect, it } from 'vitest';
import { createSpanQueue } from './create-span-queue.ts';

describe('createSpanQueue', () => {
  it('takes in arrival order and, when full, overwrites the oldest', () => {
    const queue = createSpanQueue<number>(3);
    expect([1, 2, 3].map((item) => queue.push(item))).toEqual([false, false, false]);
    expect(queue.push(4)).toBe(true);
    expect(queue.push(5)).toBe(true);
    expect(queue.length).toBe(3);
    expect(queue.take(2)).toEqual([3, 4]);
    queue.push(6);
    expect(queue.take(10)).toEqual([5, 6]);
    expect(queue.length).toBe(0);
    expect(queue.take(1)).toEqual([]);
  });
});
