/**
 * One flag shared by the threads that write one SQLite file (ADR 0016). SQLite has one write lock
 * and no queue for it: a connection that finds it held retries later, and a background writer that
 * begins its next transaction right after its last one would keep the event loop's connection
 * waiting. So the event loop's connection raises the flag while its group waits for the lock, and a
 * background writer (the metric compactor thread) holds back its next transaction until it drops.
 */
export interface WriterPriority {
  /** The memory to hand to the other thread (`writerPriority(buffer)` there). */
  readonly buffer: SharedArrayBuffer;
  /** The foreground writer found the lock held. */
  waiting(): void;
  /** The foreground writer has the lock, or stopped waiting for it. */
  served(): void;
  /** For a background writer, before a transaction: returns once no foreground writer waits, or after `maxWaitMs`. Blocks the calling thread. */
  yieldTo(maxWaitMs: number): void;
  /** For a background writer, inside a transaction: a foreground writer waits for the lock now. */
  isWaiting(): boolean;
}

export function writerPriority(buffer: SharedArrayBuffer = new SharedArrayBuffer(4)): WriterPriority {
  const flag = new Int32Array(buffer, 0, 1);
  return {
    buffer,
    waiting: () => void Atomics.store(flag, 0, 1),
    served: () => {
      if (Atomics.exchange(flag, 0, 0) === 1) Atomics.notify(flag, 0);
    },
    yieldTo: (maxWaitMs) => {
      const deadline = Date.now() + maxWaitMs;
      for (let left = maxWaitMs; Atomics.load(flag, 0) === 1 && left > 0; left = deadline - Date.now()) Atomics.wait(flag, 0, 1, left);
    },
    isWaiting: () => Atomics.load(flag, 0) === 1,
  };
}
