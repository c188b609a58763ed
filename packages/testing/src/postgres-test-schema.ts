import { randomBytes } from 'node:crypto';

export interface PostgresTestSchema {
  schema: string;
  /** `baseUrl` with `search_path` set to the schema: everything a server creates lands in it. */
  url: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

async function withClient(url: string, work: (query: (sql: string) => Promise<unknown>) => Promise<void>): Promise<void> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work((sql) => client.query(sql));
  } finally {
    await client.end();
  }
}

/** A fresh schema `keel_t_<random>` on the PostgreSQL server at `baseUrl`, for one test's data. */
export async function createPostgresTestSchema(baseUrl: string): Promise<PostgresTestSchema> {
  const schema = `keel_t_${randomBytes(6).toString('hex')}`;
  await withClient(baseUrl, async (query) => {
    await query(`CREATE SCHEMA ${schema}`);
  });
  return {
    schema,
    url: `${baseUrl}${baseUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    drop: () =>
      withClient(baseUrl, async (query) => {
        await query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      }),
  };
}
