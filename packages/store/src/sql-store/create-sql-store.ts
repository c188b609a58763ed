import type { KeelStore } from '@keel/spec';
import type { SqlDriver } from '../drivers/sql-driver.ts';
import { runMigrations } from '../migrations/run-migrations.ts';
import { createAuthQueries } from './auth-queries.ts';
import { createExperimentQueries } from './experiment-queries.ts';
import { flushFirst } from './flush-first.ts';
import { createGatewayQueries } from './gateway-queries.ts';
import { createLogBatch } from './log-batch.ts';
import { createLoggedModelQueries } from './logged-model-queries.ts';
import { createMetricHistoryQueries } from './metric-history.ts';
import { type MetricCompactorOptions, startMetricCompactor } from './metric-compactor.ts';
import { createMetricLog, type MetricLog, type MetricLogOptions } from './metric-log.ts';
import { createModelVersionQueries } from './model-version-queries.ts';
import { createPromptQueries } from './prompt-queries.ts';
import { createRegisteredModelQueries } from './registered-model-queries.ts';
import { createRunQueries } from './run-queries.ts';
import { createRunSearch } from './run-search.ts';
import { createTraceQueries } from './trace-queries.ts';

export interface SqlStoreOptions {
  /** SQLite's metric write log: how often and how much it compacts (tests make it wait). */
  metricLog?: MetricLogOptions;
  /** SQLite files: compact the metric log in a worker thread with its own connection (ADR 0016). */
  metricCompactor?: Omit<MetricCompactorOptions, 'metricLog'>;
}

/** The one store: the same SQL over SQLite and PostgreSQL. Applies missing migrations first. */
export async function createSqlStore(driver: SqlDriver, options: SqlStoreOptions = {}): Promise<KeelStore> {
  await runMigrations(driver);
  // SQLite: metrics go through the write log (ADR 0009), drained now (what a stopped process left)
  // and before every other tracking call. PostgreSQL writes them directly.
  let metricLog: MetricLog | undefined;
  if (driver.dialect === 'sqlite') {
    metricLog = createMetricLog(driver, options.metricLog);
    await metricLog.flush();
    // With a compactor thread, what a stopped process left is drained here all the same: a start
    // does not wait for the thread to boot, and the thread counts only this process's points.
    if (options.metricCompactor !== undefined) {
      await metricLog.close();
      metricLog = startMetricCompactor(driver, { ...options.metricCompactor, ...(options.metricLog === undefined ? {} : { metricLog: options.metricLog }) });
    }
  }
  const runs = createRunQueries(driver);
  const log = metricLog;
  const tracking = {
    ...createExperimentQueries(driver),
    ...runs,
    // A new run is about to log metrics: the log readies its compaction now (metric-log.ts, prepare).
    ...(log === undefined
      ? {}
      : {
          createRun: (...args: Parameters<typeof runs.createRun>) => {
            log.prepare();
            return runs.createRun(...args);
          },
        }),
    searchRuns: createRunSearch(driver),
    ...createMetricHistoryQueries(driver),
  };
  return {
    dialect: driver.dialect,
    ...createAuthQueries(driver),
    ...(metricLog === undefined ? tracking : flushFirst(tracking, metricLog.flush)),
    logBatch: createLogBatch(driver, metricLog),
    ...createRegisteredModelQueries(driver),
    ...createModelVersionQueries(driver),
    ...createLoggedModelQueries(driver),
    ...createTraceQueries(driver),
    ...createPromptQueries(driver),
    ...createGatewayQueries(driver),
    ping: async () => {
      await driver.all('SELECT 1 AS ok');
    },
    settle: async () => {
      await metricLog?.flush();
    },
    close: async () => {
      try {
        await metricLog?.close();
      } finally {
        await driver.close();
      }
    },
  };
}
