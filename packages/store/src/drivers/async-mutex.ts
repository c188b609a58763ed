/** A FIFO lock for async work; used to keep SQLite's single connection out of open transactions. */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();
  private held = false;

  get isLocked(): boolean {
    return this.held;
  }

  /** Resolves when no holder is active (without taking the lock). */
  async idle(): Promise<void> {
    while (this.held) await this.tail;
  }

  async runExclusive<T>(work: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.held = true;
    try {
      return await work();
    } finally {
      this.held = false;
      release();
    }
  }
}
