import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const tracingModule = fileURLToPath(new URL('./create-keel-tracing.ts', import.meta.url));

/** Runs an ES module body in a fresh Node process (TypeScript through tsx); resolves with its exit code, stdout and run time. */
function runScript(body: string): Promise<{ code: number | null; stdout: string; ms: number }> {
  const source = `import { createKeelTracing } from ${JSON.stringify(tracingModule)};\n${body}`;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, ms: Date.now() - started }));
  });
}

async function startServer(status: number, headers: Record<string, string> = {}) {
  let requests = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests += 1;
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the process a tracing lives in', () => {
  it('exits on its own without shutdown, even while a batch waits out a long Retry-After', async () => {
    const server = await startServer(503, { 'retry-after': '60' });
    try {
      const run = await runScript(`
        const tracing = createKeelTracing({ url: ${JSON.stringify(server.url)}, apiKey: 'k', flushIntervalMs: 50 });
        tracing.span('work', () => 1);
        await new Promise((resolve) => setTimeout(resolve, 500));
        console.log(JSON.stringify(tracing.stats()));
      `);
      expect(run.code).toBe(0);
      expect(server.requests()).toBe(1);
      expect(JSON.parse(run.stdout)).toMatchObject({ ended: 1, retries: 1 });
      // Well under the 60 s the batch would still wait: nothing of the tracing held the process.
      expect(run.ms).toBeLessThan(20_000);
    } finally {
      await server.close();
    }
  });

  it('stays alive for an awaited shutdown, which delivers what is queued', async () => {
    const server = await startServer(200);
    try {
      const run = await runScript(`
        const tracing = createKeelTracing({ url: ${JSON.stringify(server.url)}, apiKey: 'k', flushIntervalMs: 60000 });
        for (let index = 0; index < 3; index += 1) tracing.span('work', () => index);
        await tracing.shutdown();
        console.log(JSON.stringify(tracing.stats()));
      `);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ ended: 3, exported: 3, queued: 0 });
    } finally {
      await server.close();
    }
  });
});
