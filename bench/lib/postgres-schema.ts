import pg from 'pg';

export interface PostgresSchema {
  schema: string;
  /** The base URL with search_path set to the schema, as KEEL_DATABASE_URL. */
  url: string;
  drop(): Promise<void>;
}

/** `url` with `-c search_path=<schema>` in its options parameter. */
export function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString().replace(/\+/g, '%20');
}

/** A fresh schema on the server named by `baseUrl`; drop() removes it with everything in it. */
export async function createPostgresSchema(baseUrl: string, label: string): Promise<PostgresSchema> {
  const schema = `keel_bench_${label}_${process.pid}_${Date.now().toString(36)}`.replace(/[^a-z0-9_]/g, '_');
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await client.end();
  }
  return {
    schema,
    url: withSearchPath(baseUrl, schema),
    drop: async () => {
      const dropper = new pg.Client({ connectionString: baseUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await dropper.end();
      }
    },
  };
}
