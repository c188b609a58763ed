import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';

const started: string[] = [];
vi.mock('./wal-checkpointer.ts', () => ({
  startWalCheckpointer: (filename: string) => {
    started.push(filename);
    return { stop: async () => undefined };
  },
}));
const { createSqliteDriver, newFilePageSize } = await import('./sqlite-driver.ts');

const directory = mkdtempSync(path.join(os.tmpdir(), 'keel-checkpoints-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('SQLite connection options', () => {
  it('a file connection starts a checkpointer thread and turns automatic checkpoints off', async () => {
    const filename = path.join(directory, 'own.db');
    const driver = createSqliteDriver({ filename });
    try {
      expect(started).toEqual([filename]);
      expect(await driver.all('PRAGMA wal_autocheckpoint')).toEqual([{ wal_autocheckpoint: 0 }]);
      expect(await driver.all('PRAGMA cache_size')).toEqual([{ cache_size: -65536 }]);
    } finally {
      await driver.close();
    }
  });

  it('a new file is made with 16 KiB pages', async () => {
    const driver = createSqliteDriver({ filename: path.join(directory, 'new.db') });
    try {
      await driver.run('CREATE TABLE t (x TEXT)');
      expect(newFilePageSize).toBe(16_384);
      expect(await driver.all('PRAGMA page_size')).toEqual([{ page_size: 16_384 }]);
    } finally {
      await driver.close();
    }
  });

  it('a file made with other pages keeps them, and its rows read and write as before', async () => {
    const filename = path.join(directory, 'old-pages.db');
    const old = new Database(filename);
    old.pragma('page_size = 4096');
    old.pragma('journal_mode = WAL');
    old.exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('kept')");
    old.close();
    const driver = createSqliteDriver({ filename });
    try {
      expect(await driver.all('PRAGMA page_size')).toEqual([{ page_size: 4096 }]);
      await driver.run('INSERT INTO t VALUES (?)', ['added']);
      expect(await driver.all('SELECT x FROM t ORDER BY rowid')).toEqual([{ x: 'kept' }, { x: 'added' }]);
    } finally {
      await driver.close();
    }
  });

  it('cacheMb sets the page cache of the connection (in KiB, negative, as SQLite takes it)', async () => {
    const driver = createSqliteDriver({ filename: path.join(directory, 'small-cache.db'), cacheMb: 16 });
    try {
      expect(await driver.all('PRAGMA cache_size')).toEqual([{ cache_size: -16384 }]);
    } finally {
      await driver.close();
    }
  });

  it('tempStoreInMemory keeps statement journals in memory, and a group whose second transaction fails keeps only the first', async () => {
    const byDefault = createSqliteDriver({ filename: path.join(directory, 'temp-default.db') });
    try {
      expect(await byDefault.all('PRAGMA temp_store')).toEqual([{ temp_store: 0 }]);
    } finally {
      await byDefault.close();
    }
    const driver = createSqliteDriver({ filename: path.join(directory, 'temp-memory.db'), tempStoreInMemory: true });
    try {
      expect(await driver.all('PRAGMA temp_store')).toEqual([{ temp_store: 2 }]);
      await driver.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
      const rows = (from: number): string => Array.from({ length: 200 }, (_unused, index) => `(${from + index}, '${'x'.repeat(200)}')`).join(', ');
      // Queued in one turn, so they share one BEGIN and COMMIT, each in a savepoint: the failed
      // one's rows (written, then rolled back from the statement journal) must not stay.
      const first = driver.transaction(async (tx) => tx.run(`INSERT INTO t (id, v) VALUES ${rows(0)}`));
      const second = driver.transaction(async (tx) => {
        await tx.run(`INSERT INTO t (id, v) VALUES ${rows(1000)}`);
        await tx.run(`INSERT INTO t (id, v) VALUES ${rows(2000)}, (1000, 'duplicate')`);
      });
      await expect(first).resolves.toBe(200);
      await expect(second).rejects.toThrow(/UNIQUE/);
      expect(await driver.all('SELECT COUNT(*) AS n, MIN(id) AS low, MAX(id) AS high FROM t')).toEqual([{ n: 200, low: 0, high: 199 }]);
    } finally {
      await driver.close();
    }
  });

  it('the first commit after a RESTART checkpoint writes from the start of the WAL file and leaves the file at its size', async () => {
    const filename = path.join(directory, 'restart.db');
    const driver = createSqliteDriver({ filename });
    // The checkpointer thread is mocked here: this connection stands in for it.
    const checkpointer = new Database(filename);
    try {
      await driver.run('CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
      const body = Buffer.alloc(1024 * 1024, 7);
      // More than the 64 MiB the connection used to cut the WAL file back to after a restart.
      for (let index = 0; index < 72; index += 1) await driver.transaction((executor) => executor.run('INSERT INTO t (body) VALUES (?)', [body]));
      const grown = statSync(`${filename}-wal`).size;
      expect(grown).toBeGreaterThan(72 * 1024 * 1024);
      const [restart] = checkpointer.pragma('wal_checkpoint(RESTART)') as { busy: number; log: number; checkpointed: number }[];
      expect(restart?.busy).toBe(0);
      expect(restart?.checkpointed).toBe(restart?.log);
      await driver.transaction((executor) => executor.run('INSERT INTO t (body) VALUES (?)', [Buffer.from('after')]));
      // Cutting a WAL of a gigabyte back took 479 ms inside that commit under OTLP ingest.
      expect(statSync(`${filename}-wal`).size).toBe(grown);
      expect(checkpointer.pragma('wal_checkpoint(PASSIVE)')).toEqual([{ busy: 0, log: 1, checkpointed: 1 }]);
      expect(await driver.all('SELECT COUNT(*) AS n, SUM(LENGTH(body)) AS bytes FROM t')).toEqual([{ n: 73, bytes: 72 * 1024 * 1024 + 5 }]);
    } finally {
      checkpointer.close();
      await driver.close();
    }
  });

  it('with checkpointWal false (another connection of the process checkpoints) it starts none, and automatic checkpoints stay off', async () => {
    started.length = 0;
    const driver = createSqliteDriver({ filename: path.join(directory, 'shared.db'), checkpointWal: false });
    try {
      expect(started).toEqual([]);
      expect(await driver.all('PRAGMA wal_autocheckpoint')).toEqual([{ wal_autocheckpoint: 0 }]);
    } finally {
      await driver.close();
    }
  });
});
