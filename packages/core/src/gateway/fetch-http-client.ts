import type { HttpClient, HttpResponse } from './http-client.ts';
import { toAbortSignal } from './call-signal.ts';

/** An HttpClient over a fetch function (Node's global fetch, or a test's). */
export function createFetchHttpClient(fetchFunction: typeof fetch = fetch): HttpClient {
  return {
    async request(input): Promise<HttpResponse> {
      const response = await fetchFunction(input.url, { method: input.method, headers: input.headers, body: input.body, signal: toAbortSignal(input.signal) });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, key) => {
        headers[key] = value;
      });
      const stream = response.body;
      return {
        status: response.status,
        headers,
        body: {
          async *[Symbol.asyncIterator]() {
            if (stream === null) return;
            for await (const chunk of stream) yield chunk;
          },
        },
        text: () => response.text(),
        dump: async () => {
          await response.body?.cancel().catch(() => undefined);
        },
      };
    },
  };
}
