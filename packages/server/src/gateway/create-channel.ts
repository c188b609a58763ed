/** A one-reader queue between the generation callback and the stream's iterator. */
export function createChannel<T>(): { push(item: T): void; end(): void; fail(error: unknown): void; drain(): AsyncGenerator<T> } {
  const items: T[] = [];
  let finished = false;
  let failure: { error: unknown } | null = null;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    wake?.();
    wake = null;
  };
  return {
    push(item) {
      items.push(item);
      notify();
    },
    end() {
      finished = true;
      notify();
    },
    fail(error) {
      failure = { error };
      finished = true;
      notify();
    },
    async *drain() {
      for (;;) {
        const item = items.shift();
        if (item !== undefined) {
          yield item;
          continue;
        }
        if (failure !== null) throw failure.error;
        if (finished) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
}
