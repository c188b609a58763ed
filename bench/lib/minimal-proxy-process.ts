import http from 'node:http';
import { Agent } from 'undici';

/**
 * The least a Node gateway does, as a floor for the gateway bench: `tsx bench/lib/minimal-proxy-process.ts <upstream base URL>`
 * serves POSTs by reading the JSON body, parsing and re-serialising it, sending it upstream over
 * undici's keep-alive pool, called as Keel's upstream client calls it (`agent.request` with origin and
 * path), parsing the answer and sending
 * it back (a streamed answer is passed through chunk by chunk). No auth, routing, limits, accounting or tracing. Prints its base URL as one JSON line.
 */
const upstream = new URL(process.argv[2] ?? '');
const upstreamPath = upstream.pathname.replace(/\/$/, '');
const agent = new Agent({ connections: 256, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 });

const server = http.createServer((incoming, outgoing) => {
  const chunks: Buffer[] = [];
  incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
  incoming.on('end', () => {
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { stream?: unknown };
    const streamed = parsed.stream === true;
    const forwarded = JSON.stringify(parsed);
    agent
      .request({ origin: upstream.origin, path: `${upstreamPath}${(incoming.url ?? '').replace(/^\/v1/, '')}`, method: 'POST', headers: { authorization: incoming.headers.authorization ?? '', 'content-type': 'application/json' }, body: forwarded })
      .then(async (answer) => {
        if (streamed) {
          // Server-sent events pass through chunk by chunk as they arrive.
          outgoing.writeHead(answer.statusCode, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
          for await (const chunk of answer.body) outgoing.write(chunk);
          outgoing.end();
          return;
        }
        const text = await answer.body.text();
        JSON.parse(text);
        outgoing.writeHead(answer.statusCode, { 'content-type': 'application/json' });
        outgoing.end(text);
      })
      .catch((error: unknown) => {
        // A stream that fails part way has sent its status already: the client sees the connection end.
        if (outgoing.headersSent) {
          outgoing.destroy();
          return;
        }
        outgoing.writeHead(502, { 'content-type': 'application/json' });
        outgoing.end(JSON.stringify({ error: { message: error instanceof Error ? error.message : String(error) } }));
      });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
  process.stdout.write(`${JSON.stringify({ baseURL: `http://127.0.0.1:${address.port}/v1` })}\n`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
