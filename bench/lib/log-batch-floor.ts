import { createRequire } from 'node:module';
import path from 'node:path';
import { freePort } from './free-port.ts';
import type { IngestionShape } from './ingestion-load.ts';
import { type LoadResult, requireNoErrors, runLoad } from './load-generator.ts';
import { ingestionPlan, logBatchBody, metricBatch } from './metric-batches.ts';
import { spawnServer } from './server-process.ts';

// The least a server can do for a log-batch and still answer after the batch is durable: node:http
// reads the body, JSON.parse, a check of each metric's fields, the points packed into one row of a
// WAL SQLite file (synchronous=NORMAL, as Keel's) and answered. No framework, auth, validation
// messages, compaction or checkpoints (wal_autocheckpoint=0: the WAL only grows while it runs).
const source = `
const http = require('node:http');
const Database = require(process.env.FLOOR_SQLITE_MODULE);
const db = new Database(process.env.FLOOR_DB);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 0');
db.exec('CREATE TABLE IF NOT EXISTS metric_log (id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, points INTEGER NOT NULL, keys TEXT NOT NULL, payload BLOB NOT NULL)');
const insert = db.prepare('INSERT INTO metric_log (run_id, points, keys, payload) VALUES (?, ?, ?, ?)');
const answer = (response, status, body) => {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  response.end(body);
};
const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    if (request.method !== 'POST') return answer(response, 200, '{}');
    let batch;
    try { batch = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { return answer(response, 400, '{"error_code":"MALFORMED_REQUEST"}'); }
    const metrics = batch.metrics;
    if (typeof batch.run_id !== 'string' || !Array.isArray(metrics)) return answer(response, 400, '{"error_code":"INVALID_PARAMETER_VALUE"}');
    const numbers = new Float64Array(metrics.length * 3);
    const keys = new Array(metrics.length);
    for (let index = 0; index < metrics.length; index += 1) {
      const metric = metrics[index];
      if (typeof metric !== 'object' || metric === null || typeof metric.key !== 'string' || typeof metric.value !== 'number' || !Number.isSafeInteger(metric.timestamp) || !Number.isSafeInteger(metric.step)) {
        return answer(response, 400, '{"error_code":"INVALID_PARAMETER_VALUE"}');
      }
      keys[index] = metric.key;
      numbers[index * 3] = metric.value;
      numbers[index * 3 + 1] = metric.timestamp;
      numbers[index * 3 + 2] = metric.step;
    }
    insert.run(batch.run_id, metrics.length, keys.join('\\n'), Buffer.from(numbers.buffer));
    answer(response, 200, '{}');
  });
});
server.keepAliveTimeout = 72000;
server.listen(Number(process.env.PORT), '127.0.0.1');
`;

export interface LogBatchFloor {
  /** The first closed loop after the same warm-up as Keel's (16 batches). */
  first: LoadResult;
  /** The closed loop once more, on the same server. */
  again: LoadResult;
}

/**
 * The same closed loop as `runIngestionLoad` (`shape.clients` clients, their batches of
 * `shape.batchSize` points, the same warm-up first) against the floor server above, in its own
 * process, twice: what a client on this machine measures for a server that does the least.
 */
export async function logBatchFloor(directory: string, shape: IngestionShape): Promise<LogBatchFloor> {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), FLOOR_DB: path.join(directory, 'floor.db'), FLOOR_SQLITE_MODULE: createRequire(import.meta.url).resolve('better-sqlite3') };
  const server = await spawnServer({ args: ['-e', source], env, port, readyPath: '/health' });
  try {
    const loop = async (label: string, bodies: Buffer[][]): Promise<LoadResult> => {
      const load = await runLoad({ baseUrl: server.url, concurrency: shape.clients, requests: shape.clients * (bodies[0]?.length ?? 0), request: (worker, index) => ({ method: 'POST', path: '/log-batch', body: bodies[worker]?.[index] ?? '' }) });
      requireNoErrors(label, load);
      return load;
    };
    const bodiesFor = (round: string): Buffer[][] => ingestionPlan(shape.clients, shape.batchesPerClient, shape.batchSize, shape.keys).map((batches, client) => batches.map((rows) => logBatchBody(`${round}-${client}`, rows)));
    const warmup = Array.from({ length: shape.clients }, (_unused, client) => [0, 1].map((index) => logBatchBody('warm-up', metricBatch(index * shape.clients + client, shape.batchSize, shape.keys, 999))));
    await loop('floor warm-up', warmup);
    const first = await loop('floor', bodiesFor('first'));
    const again = await loop('floor again', bodiesFor('again'));
    return { first, again };
  } finally {
    await server.stop();
  }
}
