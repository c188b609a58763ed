import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createCallAbort } from '@keel/core';
import { createUndiciHttpClient } from './create-undici-http-client.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server that holds every request (or sends headers and then holds the body) and reports when the client hangs up. */
async function holdingServer(sendHeaders: boolean): Promise<{ url: string; closed: Promise<unknown> }> {
  let markClosed!: () => void;
  const closed = new Promise<unknown>((resolve) => (markClosed = () => resolve(undefined)));
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    response.on('close', markClosed);
    if (sendHeaders) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"partial":');
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`, closed };
}

describe('createUndiciHttpClient with the gateway call signal', () => {
  it('aborts a request waiting for headers, and the upstream sees the connection close', async () => {
    const { url, closed } = await holdingServer(false);
    const http = createUndiciHttpClient({ connectionsPerOrigin: 4 });
    cleanups.push(() => http.close());
    const { signal, abort } = createCallAbort();
    const pending = http.request({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal });
    setTimeout(() => abort(new Error('client went away')), 50);
    await expect(pending).rejects.toThrow('client went away');
    await closed;
  });

  it('aborts a body being read', async () => {
    const { url, closed } = await holdingServer(true);
    const http = createUndiciHttpClient({ connectionsPerOrigin: 4 });
    cleanups.push(() => http.close());
    const { signal, abort } = createCallAbort();
    const response = await http.request({ url, method: 'POST', headers: {}, body: '{}', signal });
    expect(response.status).toBe(200);
    const reading = response.text();
    abort(new Error('upstream body no longer wanted'));
    await expect(reading).rejects.toThrow();
    await closed;
  });

  it('does not start a request whose signal is already aborted', async () => {
    const { url } = await holdingServer(false);
    const http = createUndiciHttpClient({ connectionsPerOrigin: 4 });
    cleanups.push(() => http.close());
    const { signal, abort } = createCallAbort();
    abort(new Error('too late'));
    await expect(http.request({ url, method: 'POST', headers: {}, body: '{}', signal })).rejects.toThrow('too late');
  });
});
