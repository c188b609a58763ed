/** The statements a group commit needs from a synchronous connection (better-sqlite3's). */
export interface GroupCommitConnection {
  /** BEGIN IMMEDIATE, waiting for another connection's write lock as long as the connection's busy timeout allows. */
  begin(): void;
  /**
   * BEGIN IMMEDIATE without waiting: false when another connection holds the write lock. The
   * group then waits for it on timers, so the event loop goes on reading requests meanwhile.
   */
  tryBegin?(): boolean;
  commit(): void;
  rollback(): void;
  savepoint(): void;
  release(): void;
  rollbackToSavepoint(): void;
  readonly inTransaction: boolean;
}

interface Waiting<E> {
  work: (executor: E) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Transactions on one synchronous connection, run one at a time; those that queued while another
 * ran are committed together: one BEGIN IMMEDIATE and one COMMIT for the group, each transaction in
 * a SAVEPOINT of its own, so that one that throws rolls back only its own writes and rejects only
 * its caller. Every caller is answered after the COMMIT that made its writes durable (ADR 0009).
 *
 * Statements outside transactions must not run while a group is open (they would read its
 * uncommitted writes): `outside` runs them at once when none is, else between two groups.
 */
export class GroupCommit<E> {
  private readonly queue: Waiting<E>[] = [];
  private idleWaiters: (() => void)[] = [];
  /** A drain loop is running (transactions queued or open). */
  private draining = false;
  /** A group's transaction is open on the connection. */
  private open = false;

  constructor(
    private readonly connection: GroupCommitConnection,
    private readonly executor: E,
    private readonly maxGroup = 64,
    /** How long a group waits for the write lock on timers before it waits in `begin` (blocking). */
    private readonly lockWaitMs = 5000,
  ) {}

  transaction<T>(work: (executor: E) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.draining) return;
      // The group forms over one turn of the event loop: requests whose data arrived together
      // queue their transactions before it begins.
      this.draining = true;
      setImmediate(() => void this.drain());
    });
  }

  /** Runs `work` (synchronous statements) now when no group is open, else right after the open one commits. */
  outside<T>(work: () => Promise<T>): Promise<T> {
    if (!this.open) return work();
    return new Promise<T>((resolve, reject) => {
      this.idleWaiters.push(() => work().then(resolve, reject));
    });
  }

  /** Resolves once no transaction is open or queued. */
  async idle(): Promise<void> {
    while (this.draining) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      // The lock first, then the group: transactions queued while it was held join this group.
      const failure = await this.begin();
      const group = this.queue.splice(0, this.maxGroup);
      const outcomes: Outcome[] = failure === undefined ? await this.runGroup(group) : group.map(() => ({ ok: false, error: failure.error }));
      this.open = false;
      group.forEach((entry, index) => {
        const outcome = outcomes[index] as Outcome;
        if (outcome.ok) entry.resolve(outcome.value);
        else entry.reject(outcome.error);
      });
      // Statements that waited for the group run now, before the next group begins.
      this.wake();
    }
    this.draining = false;
    this.wake();
  }

  /** Opens the group's transaction; resolves to the error when it could not be opened. */
  private async begin(): Promise<{ error: unknown } | undefined> {
    const { connection } = this;
    try {
      if (connection.tryBegin !== undefined) {
        const deadline = Date.now() + this.lockWaitMs;
        let began = connection.tryBegin();
        while (!began && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          began = connection.tryBegin();
        }
        if (!began) connection.begin();
      } else {
        connection.begin();
      }
    } catch (error) {
      return { error };
    }
    this.open = true;
    return undefined;
  }

  private wake(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }

  /** Runs a group in the transaction that `begin` opened, and commits it. */
  private async runGroup(group: readonly Waiting<E>[]): Promise<Outcome[]> {
    const { connection } = this;
    const alone = group.length === 1;
    const outcomes: Outcome[] = [];
    for (const entry of group) {
      if (!alone) connection.savepoint();
      try {
        const value = await entry.work(this.executor);
        if (!alone) connection.release();
        outcomes.push({ ok: true, value });
      } catch (error) {
        outcomes.push({ ok: false, error });
        if (alone) break;
        if (connection.inTransaction) {
          connection.rollbackToSavepoint();
          connection.release();
        } else {
          // SQLite rolled the whole transaction back itself (an I/O error, say): the group's
          // earlier writes are gone with it, so their callers fail too; the rest start again.
          for (let index = 0; index < outcomes.length - 1; index += 1) if (outcomes[index]?.ok === true) outcomes[index] = { ok: false, error };
          const rest = group.slice(outcomes.length);
          if (rest.length === 0) return outcomes;
          const failure = await this.begin();
          return [...outcomes, ...(failure === undefined ? await this.runGroup(rest) : rest.map(() => ({ ok: false as const, error: failure.error })))];
        }
      }
    }
    try {
      if (alone && outcomes[0]?.ok === false) {
        if (connection.inTransaction) connection.rollback();
      } else {
        connection.commit();
      }
    } catch (error) {
      if (connection.inTransaction) connection.rollback();
      return group.map(() => ({ ok: false, error }));
    }
    return outcomes;
  }
}
