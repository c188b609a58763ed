import { Agent, request } from 'undici';
import type { HttpClient } from '@keel/core';

/**
 * The gateway's upstream client: undici's pooled keep-alive connections. undici.request is several
 * times cheaper per call than fetch, which matters at thousands of requests per second.
 */
export function createUndiciHttpClient(options: { connectionsPerOrigin: number }): HttpClient & { close(): Promise<void> } {
  const agent = new Agent({ connections: options.connectionsPerOrigin, pipelining: 1, keepAliveTimeout: 30_000, connect: { timeout: 10_000 }, headersTimeout: 0, bodyTimeout: 0 });
  return {
    async request(input) {
      const response = await request(input.url, { method: input.method, headers: input.headers, body: input.body, signal: input.signal, dispatcher: agent });
      const body = response.body;
      return {
        status: response.statusCode,
        headers: response.headers,
        body,
        text: () => body.text(),
        dump: () => body.dump(),
      };
    },
    close: () => agent.close(),
  };
}
