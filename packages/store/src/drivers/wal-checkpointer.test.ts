import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startWalCheckpointer } from './wal-checkpointer.ts';

const directory = mkdtempSync(path.join(os.tmpdir(), 'keel-wal-checkpointer-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('startWalCheckpointer', () => {
  it('keeps the WAL bounded under a writer that never lets it be fully copied, and every row stays', async () => {
    const filename = path.join(directory, 'busy.db');
    const db = new Database(filename);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    // As the driver sets it: a WAL started again from its beginning is cut back to this size.
    db.pragma('journal_size_limit = 1048576');
    db.pragma('busy_timeout = 10000');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
    const checkpointer = startWalCheckpointer(filename, { intervalMs: 20, restartAboveBytes: 1024 * 1024 });
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    const body = Buffer.alloc(64 * 1024, 7);
    const transactions = 1000;
    let largestWal = 0;
    try {
      // Like the span writer thread under steady ingest: a transaction, a short wait for the next
      // batch, another transaction; 64 MB written in all.
      for (let index = 0; index < transactions; index += 1) {
        db.transaction(() => insert.run(body))();
        largestWal = Math.max(largestWal, statSync(`${filename}-wal`).size);
        await sleep(1);
      }
    } finally {
      await checkpointer.stop();
    }
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: transactions });
    db.close();
    // Without the RESTART, no checkpoint ever found the WAL fully copied, and it reached 74.7 MB:
    // every transaction. With it, 2.6-4.9 MB here, with two other processes spinning on the cores.
    expect(largestWal).toBeLessThan(24 * 1024 * 1024);
  });
});
