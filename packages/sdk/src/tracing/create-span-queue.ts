/**
 * A bounded FIFO on a ring buffer: pushing into a full queue overwrites the oldest entry in O(1)
 * (an array's shift() would copy the whole queue on every span once it is full).
 */
export interface SpanQueue<T> {
  readonly length: number;
  /** Adds `item`; returns true when the oldest entry had to go to make room. */
  push(item: T): boolean;
  /** Removes and returns up to `count` of the oldest entries. */
  take(count: number): T[];
}

export function createSpanQueue<T>(capacity: number): SpanQueue<T> {
  const size = Math.max(1, Math.floor(capacity));
  const slots = new Array<T | undefined>(size);
  let head = 0;
  let length = 0;
  return {
    get length() {
      return length;
    },
    push(item) {
      const tail = (head + length) % size;
      slots[tail] = item;
      if (length < size) {
        length += 1;
        return false;
      }
      head = (head + 1) % size;
      return true;
    },
    take(count) {
      const taken = Math.min(count, length);
      const items = new Array<T>(taken);
      for (let index = 0; index < taken; index += 1) {
        items[index] = slots[head] as T;
        slots[head] = undefined;
        head = (head + 1) % size;
      }
      length -= taken;
      return items;
    },
  };
}
