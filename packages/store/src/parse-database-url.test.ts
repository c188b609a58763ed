import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from './parse-database-url.ts';

describe('parseDatabaseUrl', () => {
  it('names PostgreSQL by either scheme, keeping the whole URL', () => {
    expect(parseDatabaseUrl('postgres://u@h:5432/db')).toEqual({ kind: 'postgres', connectionString: 'postgres://u@h:5432/db' });
    expect(parseDatabaseUrl('postgresql://h/db')).toEqual({ kind: 'postgres', connectionString: 'postgresql://h/db' });
  });

  it('names PGlite in memory or in a folder', () => {
    expect(parseDatabaseUrl('pglite:')).toEqual({ kind: 'pglite', dataDir: undefined });
    expect(parseDatabaseUrl('pglite:/tmp/data')).toEqual({ kind: 'pglite', dataDir: '/tmp/data' });
  });

  it('takes anything else as a SQLite file, with or without sqlite:', () => {
    expect(parseDatabaseUrl('/home/k/.keel/keel.db')).toEqual({ kind: 'sqlite', filename: '/home/k/.keel/keel.db' });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', filename: ':memory:' });
  });
});
