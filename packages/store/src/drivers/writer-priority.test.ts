import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteDriver } from './sqlite-driver.ts';
import { writerPriority } from './writer-priority.ts';

const directory = mkdtempSync(path.join(os.tmpdir(), 'keel-writer-priority-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const raised = (buffer: SharedArrayBuffer): boolean => new Int32Array(buffer)[0] === 1;

describe('writer priority between connections of one SQLite file', () => {
  it('a background writer yields while the flag is raised, at most as long as it is told, and not at all once served', () => {
    const priority = writerPriority();
    const other = writerPriority(priority.buffer);
    priority.yieldTo(10_000);
    expect(other.isWaiting()).toBe(false);
    priority.waiting();
    expect(raised(other.buffer)).toBe(true);
    expect(other.isWaiting()).toBe(true);
    const started = Date.now();
    other.yieldTo(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    priority.served();
    expect(raised(other.buffer)).toBe(false);
    expect(other.isWaiting()).toBe(false);
    // Would block for 10 s (and time the test out) if it still waited.
    other.yieldTo(10_000);
  });

  it('a transaction waiting for another connection\'s write lock leaves the event loop free, raises the flag, and commits once the lock is free', async () => {
    const filename = path.join(directory, 'locked.db');
    const priority = writerPriority();
    const driver = createSqliteDriver({ filename, priority });
    await driver.exec('CREATE TABLE t (v INTEGER)');
    const holder = new Database(filename);
    try {
      holder.exec('BEGIN IMMEDIATE');
      let committed = false;
      const write = driver.transaction(async (tx) => tx.run('INSERT INTO t (v) VALUES (1)')).then((changes) => {
        committed = true;
        return changes;
      });
      // A blocking BEGIN would hold the event loop for the whole busy timeout (5 s): timers run, and the write waits.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(committed).toBe(false);
      expect(raised(priority.buffer)).toBe(true);
      // Reads on the waiting connection are not held up by the other connection's lock (WAL).
      expect(await driver.all('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 0 }]);
      holder.exec('COMMIT');
      expect(await write).toBe(1);
      expect(raised(priority.buffer)).toBe(false);
      expect(holder.prepare('SELECT v FROM t').all()).toEqual([{ v: 1 }]);
    } finally {
      holder.close();
      await driver.close();
    }
  });

  it('a write outside transactions waits for another connection\'s write lock; a read does not', async () => {
    const filename = path.join(directory, 'outside.db');
    const driver = createSqliteDriver({ filename });
    await driver.exec('CREATE TABLE t (v INTEGER)');
    // Another thread holds the write lock for 300 ms (this thread blocks while the write waits).
    const holder = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const db = new (require(workerData.modulePath))(workerData.filename);
       db.exec('BEGIN IMMEDIATE');
       db.exec('INSERT INTO t (v) VALUES (1)');
       parentPort.postMessage('locked');
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
       db.exec('COMMIT');
       db.close();`,
      { eval: true, workerData: { filename, modulePath: createRequire(import.meta.url).resolve('better-sqlite3') } },
    );
    try {
      await new Promise((resolve) => holder.once('message', resolve));
      expect(await driver.all('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 0 }]);
      // Without waiting it would fail with SQLITE_BUSY ("database is locked").
      expect(await driver.run('INSERT INTO t (v) VALUES (2)')).toBe(1);
      expect(await driver.all('SELECT v FROM t ORDER BY v')).toEqual([{ v: 1 }, { v: 2 }]);
    } finally {
      await new Promise((resolve) => holder.once('exit', resolve));
      await driver.close();
    }
  });
});
