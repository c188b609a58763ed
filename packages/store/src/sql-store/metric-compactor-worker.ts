// The metric compactor thread (see metric-compactor.ts): its own connection to the SQLite file,
// running the metric log's compaction (metric-log.ts) off the event loop. Bundled as
// <bundle>-metric-compactor.mjs beside dist/keel.mjs.
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { createSqliteDriver } from '../drivers/sqlite-driver.ts';
import { writerPriority } from '../drivers/writer-priority.ts';
import { createMetricLog, metricLogDefaults } from './metric-log.ts';
import { type FromMetricCompactor, metricCompactorDataSchema, toMetricCompactorSchema } from './metric-compactor-protocol.ts';

if (parentPort === null) throw new Error('metric-compactor-worker runs as a worker thread');
const port: MessagePort = parentPort;
const data = metricCompactorDataSchema.parse(workerData);
const reply = (message: FromMetricCompactor): void => port.postMessage(message);
/** At most this long before each transaction for the event loop's connection to take the write lock first. */
const maxYieldMs = 50;
const priority = writerPriority(data.priority);
const maxPendingPoints = data.options.maxPendingPoints ?? metricLogDefaults.maxPendingPoints;
// The main connection checkpoints the WAL; this one only writes, and a small page cache does.
const driver = createSqliteDriver({ filename: data.filename, checkpointWal: false, cacheMb: 16, tempStoreInMemory: true });
const log = createMetricLog(driver, data.options, {
  beforeTransaction: () => priority.yieldTo(maxYieldMs),
  contended: () => priority.isWaiting(),
  onCompacted: (points) => reply({ type: 'compacted', points }),
});

port.on('message', (raw: unknown) => {
  const message = toMetricCompactorSchema.parse(raw);
  if (message.type === 'appended') {
    log.appended(message.points);
    // The main thread holds appends back while the backlog is over its bound: compact until it is not.
    // A failed pass leaves its rows in the log for the next one.
    if (log.pendingPoints >= maxPendingPoints) log.admit().catch(() => undefined);
  } else if (message.type === 'flush') {
    const { id } = message;
    log.flush().then(
      () => reply({ type: 'flushed', id }),
      (error: unknown) => reply({ type: 'failed', id, message: error instanceof Error ? error.message : String(error) }),
    );
  } else {
    // A failure here ends the thread with the error: the main thread compacts from then on.
    void log.close().then(async () => {
      await driver.close();
      reply({ type: 'closed' });
      port.close();
    });
  }
});
