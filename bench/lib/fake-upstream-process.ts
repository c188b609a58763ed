import { startFakeOpenAiServer } from '@keel/testing';

/**
 * A fake OpenAI upstream in its own process (so that it does not share the load generator's
 * event loop): `tsx bench/lib/fake-upstream-process.ts <latencyMs> <chunkIntervalMs> [reply]` prints
 * its base URL as one JSON line, then serves until killed.
 */
const latencyMs = Number(process.argv[2] ?? 20);
const chunkIntervalMs = Number(process.argv[3] ?? 0);
const replyText = process.argv[4] ?? 'The quick brown fox jumps over the lazy dog while the gateway keeps count of every token.';
const server = await startFakeOpenAiServer({ latencyMs, chunkIntervalMs, reply: () => replyText });
process.stdout.write(`${JSON.stringify({ baseURL: server.baseURL })}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
