import { describe, expect, it } from 'vitest';
import { GroupCommit, type GroupCommitConnection } from './group-commit.ts';

/** A connection that records the statements a group commit runs. */
function recording(): { connection: GroupCommitConnection; calls: string[] } {
  const calls: string[] = [];
  let open = false;
  const connection: GroupCommitConnection = {
    begin: () => {
      calls.push('BEGIN');
      open = true;
    },
    commit: () => {
      calls.push('COMMIT');
      open = false;
    },
    rollback: () => {
      calls.push('ROLLBACK');
      open = false;
    },
    savepoint: () => void calls.push('SAVEPOINT'),
    release: () => void calls.push('RELEASE'),
    rollbackToSavepoint: () => void calls.push('ROLLBACK TO'),
    get inTransaction() {
      return open;
    },
  };
  return { connection, calls };
}

describe('GroupCommit', () => {
  it('commits transactions queued in one turn together, each in a savepoint; one that throws rolls back only itself', async () => {
    const { connection, calls } = recording();
    const commit = new GroupCommit(connection, 'executor');
    const work = (name: string, fail = false) => async (executor: string) => {
      calls.push(`${name} on ${executor}`);
      if (fail) throw new Error(`${name} failed`);
      return name;
    };
    const results = await Promise.allSettled([commit.transaction(work('a')), commit.transaction(work('b', true)), commit.transaction(work('c'))]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 'a' },
      { status: 'rejected', reason: new Error('b failed') },
      { status: 'fulfilled', value: 'c' },
    ]);
    expect(calls).toEqual(['BEGIN', 'SAVEPOINT', 'a on executor', 'RELEASE', 'SAVEPOINT', 'b on executor', 'ROLLBACK TO', 'RELEASE', 'SAVEPOINT', 'c on executor', 'RELEASE', 'COMMIT']);
  });

  it('answers no caller before the COMMIT, and fails every caller of a group whose COMMIT fails', async () => {
    const { connection, calls } = recording();
    connection.commit = () => {
      calls.push('COMMIT failed');
      throw new Error('disk I/O error');
    };
    const commit = new GroupCommit(connection, 'executor');
    const answered: string[] = [];
    const results = await Promise.allSettled(
      ['a', 'b'].map((name) =>
        commit.transaction(async () => {
          calls.push(name);
          return name;
        }).finally(() => answered.push(`${name} after ${calls[calls.length - 1]}`)),
      ),
    );
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(answered).toEqual(['a after ROLLBACK', 'b after ROLLBACK']);
  });

  it('runs a statement outside transactions at once when none is open, and after the open group otherwise', async () => {
    const { connection, calls } = recording();
    const commit = new GroupCommit(connection, 'executor');
    await commit.outside(async () => void calls.push('read while idle'));
    let reading: Promise<void> | undefined;
    await commit.transaction(async () => {
      calls.push('write');
      reading = commit.outside(async () => void calls.push(`read, transaction open: ${connection.inTransaction}`));
      await Promise.resolve();
      calls.push('write again');
    });
    await reading;
    expect(calls).toEqual(['read while idle', 'BEGIN', 'write', 'write again', 'COMMIT', 'read, transaction open: false']);
  });

  it('waits for a write lock held elsewhere on timers, reading other work meanwhile, and transactions queued while it waits join the group', async () => {
    const { connection, calls } = recording();
    const begin = connection.begin;
    let busyTries = 3;
    connection.tryBegin = () => {
      if (busyTries > 0) {
        busyTries -= 1;
        calls.push('busy');
        return false;
      }
      begin();
      return true;
    };
    const commit = new GroupCommit(connection, 'executor');
    const first = commit.transaction(async () => void calls.push('a'));
    // While the group waits for the lock, the event loop runs other work, and statements outside transactions run at once.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await commit.outside(async () => void calls.push('read while waiting'));
    const second = commit.transaction(async () => void calls.push('b'));
    await Promise.all([first, second]);
    expect(calls.filter((call) => call !== 'busy')).toEqual(['read while waiting', 'BEGIN', 'SAVEPOINT', 'a', 'RELEASE', 'SAVEPOINT', 'b', 'RELEASE', 'COMMIT']);
    expect(calls.filter((call) => call === 'busy')).toHaveLength(3);
  });

  it('after waiting on timers as long as it may, waits in a blocking BEGIN, and fails the group when that fails too', async () => {
    const { connection, calls } = recording();
    connection.tryBegin = () => false;
    connection.begin = () => {
      calls.push('blocking BEGIN');
      throw new Error('database is locked');
    };
    const commit = new GroupCommit(connection, 'executor', 64, 5);
    await expect(commit.transaction(async () => void calls.push('never'))).rejects.toThrow('database is locked');
    expect(calls).toEqual(['blocking BEGIN']);
    // The next transaction tries again.
    connection.begin = () => void calls.push('BEGIN');
    connection.tryBegin = () => (connection.begin(), true);
    await commit.transaction(async () => void calls.push('later'));
    expect(calls.slice(1)).toEqual(['BEGIN', 'later', 'COMMIT']);
  });
});
