import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';

export interface ServerProcess {
  pid: number;
  url: string;
  /** Milliseconds from spawn() to the first 200 on the ready path. */
  readyMs: number;
  /** The last lines the process wrote (stdout and stderr), for error messages. */
  outputTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export interface SpawnServerOptions {
  args: string[];
  env: NodeJS.ProcessEnv;
  port: number;
  readyPath: string;
  timeoutMs?: number;
}

function probe(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', () => resolve(0));
    });
    request.on('error', () => resolve(0));
  });
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/**
 * Spawns `node <args>` and polls http://127.0.0.1:<port><readyPath> until it answers 200; readyMs
 * is spawn-to-first-200, so it includes loading node, the bundle and opening the database.
 */
export async function spawnServer(options: SpawnServerOptions): Promise<ServerProcess> {
  const url = `http://127.0.0.1:${options.port}`;
  const started = performance.now();
  const child = spawn(process.execPath, options.args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const keep = (chunk: Buffer): void => {
    tail.push(chunk.toString('utf8'));
    if (tail.length > 50) tail.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = waitForExit(child);
  const stop = async (graceMs = 15_000): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    }
    return child.exitCode;
  };
  const deadline = started + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail.join('')}`);
    if ((await probe(`${url}${options.readyPath}`)) === 200) break;
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`server not ready after ${options.timeoutMs ?? 30_000} ms:\n${tail.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const readyMs = performance.now() - started;
  if (child.pid === undefined) throw new Error('spawned process has no pid');
  return { pid: child.pid, url, readyMs, outputTail: () => tail.join(''), stop };
}
