export { openStore, type OpenStoreOptions } from './open-store.ts';
export { parseDatabaseUrl, type DatabaseLocation } from './parse-database-url.ts';
export { createSqlStore } from './sql-store/create-sql-store.ts';
export { createSqliteDriver } from './drivers/sqlite-driver.ts';
export type { SqlDriver, SqlExecutor, SqlValue, Dialect } from './drivers/sql-driver.ts';
export { migrations, runMigrations } from './migrations/run-migrations.ts';
export { createLocalArtifactStore } from './artifacts/local-artifact-store.ts';
export { createRedisResponseCache, type RedisResponseCacheOptions } from './redis/create-redis-response-cache.ts';
export { createRedisLimitStore, type RedisLimitStoreOptions } from './redis/create-redis-limit-store.ts';
