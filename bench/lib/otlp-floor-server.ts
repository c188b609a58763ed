// The least a server can do for an OTLP/HTTP protobuf request and still answer after its spans are
// durable: node:http reads the body, Keel's protobuf decoder, one multi-row INSERT of each span's
// ids, name, times and the rest as JSON (lossless) in one transaction per request, into a WAL SQLite
// file (synchronous=NORMAL, as Keel's; no checkpoints), then the empty OTLP answer. No framework,
// auth, mapping, cost, summaries, secondary indexes, writer thread or checkpoints. Started by
// `otlp-floor.ts` with `node --import tsx`; PORT and FLOOR_DB from the environment.
import http from 'node:http';
import Database from 'better-sqlite3';
import { decodeOtlpProtobuf } from '@keel/core';

const db = new Database(process.env.FLOOR_DB ?? ':memory:');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 0');
db.exec('CREATE TABLE IF NOT EXISTS spans (trace_id TEXT NOT NULL, span_id TEXT NOT NULL, parent_span_id TEXT, name TEXT NOT NULL, start_ns TEXT NOT NULL, end_ns TEXT NOT NULL, raw TEXT NOT NULL, PRIMARY KEY (trace_id, span_id))');
const statements = new Map<number, Database.Statement>();
const insertRows = (rows: number): Database.Statement => {
  let statement = statements.get(rows);
  if (statement === undefined) {
    statement = db.prepare(`INSERT INTO spans VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`);
    statements.set(rows, statement);
  }
  return statement;
};
const insert = db.transaction((values: (string | null)[], rows: number) => insertRows(rows).run(...values));

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    if (request.method !== 'POST') {
      response.end('{}');
      return;
    }
    let spans;
    try {
      spans = decodeOtlpProtobuf(Buffer.concat(chunks), { nowMs: Date.now() }).spans;
    } catch {
      response.writeHead(400).end();
      return;
    }
    const values: (string | null)[] = [];
    for (const span of spans) {
      const { traceId, spanId, parentSpanId, name, startTimeUnixNano, endTimeUnixNano, ...rest } = span;
      values.push(traceId, spanId, parentSpanId, name, startTimeUnixNano, endTimeUnixNano, JSON.stringify(rest));
    }
    if (spans.length > 0) insert(values, spans.length);
    response.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
    response.end();
  });
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
