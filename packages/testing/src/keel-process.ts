import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const keelBinaryPath = path.join(repositoryRoot, 'dist', 'keel.mjs');

/** Polls `check` until it returns a value other than undefined; fails after `timeoutMs`. */
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined>, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError === undefined ? '' : `: ${String(lastError)}`}`);
    await delay(options.intervalMs ?? 25);
  }
}

/**
 * Builds dist/keel.mjs with `node scripts/build.mjs`, once per test run: test files run in parallel
 * processes, and a second build rewriting the file while another file's server starts from it would
 * hand that server a half-written bundle. A lock directory serialises the builds; a stamp with the
 * test runner's pid (the parent of every test process) makes the later ones no-ops.
 */
export async function buildKeelBinary(): Promise<string> {
  const dist = path.dirname(keelBinaryPath);
  const lock = path.join(dist, '.test-build.lock');
  const stamp = path.join(dist, '.test-build.stamp');
  const run = String(process.ppid);
  await mkdir(dist, { recursive: true });
  await pollUntil('the dist/ build lock', async () => {
    try {
      await mkdir(lock);
      return true;
    } catch (error) {
      // A lock left by a killed test run is stale after a minute (a build takes seconds).
      const info = await stat(lock).catch(() => undefined);
      if (info !== undefined && Date.now() - info.mtimeMs > 60_000) await rm(lock, { recursive: true, force: true });
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return undefined;
    }
  }, { timeoutMs: 120_000, intervalMs: 100 });
  try {
    const built = await readFile(stamp, 'utf8').catch(() => '');
    const binary = await stat(keelBinaryPath).catch(() => undefined);
    if (built !== run || binary === undefined) {
      await promisify(execFile)(process.execPath, ['scripts/build.mjs', '--cli-only'], { cwd: repositoryRoot });
      await writeFile(stamp, run);
    }
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
  return keelBinaryPath;
}

export interface KeelProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface KeelProcess {
  url: string;
  port: number;
  home: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves once the output matches `pattern`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<KeelProcessExit>;
  /** Sends `signal` and waits for the process to end. */
  kill(signal: NodeJS.Signals): Promise<KeelProcessExit>;
  /** SIGTERM, then SIGKILL if it has not ended within `graceMs`. Safe to call after it ended. */
  stop(graceMs?: number): Promise<KeelProcessExit>;
}

/**
 * Starts `node dist/keel.mjs server` on a free port of 127.0.0.1 (KEEL_PORT=0; the URL comes from the
 * "keel server ready" log line) and waits until GET /health answers 200.
 */
export async function startKeelProcess(options: { home: string; env?: Record<string, string>; readyTimeoutMs?: number }): Promise<KeelProcess> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('KEEL_')));
  const child = spawn(process.execPath, [keelBinaryPath, 'server'], {
    cwd: repositoryRoot,
    env: { ...inherited, KEEL_HOME: options.home, KEEL_HOST: '127.0.0.1', KEEL_PORT: '0', KEEL_LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let ended: KeelProcessExit | undefined;
  const exited = new Promise<KeelProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      ended = { code, signal };
      for (const listener of listeners) listener();
      resolve(ended);
    });
  });

  const waitForOutput = (pattern: RegExp, timeoutMs = 20_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (pattern.test(output)) {
          cleanup();
          resolve();
        } else if (ended !== undefined) {
          cleanup();
          reject(new Error(`keel exited (${JSON.stringify(ended)}) before printing ${String(pattern)}:\n${output}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${String(pattern)} in keel's output:\n${output}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  const kill = async (signal: NodeJS.Signals): Promise<KeelProcessExit> => {
    if (ended === undefined) child.kill(signal);
    return exited;
  };
  const stop = async (graceMs = 10_000): Promise<KeelProcessExit> => {
    if (ended !== undefined) return ended;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  try {
    const timeoutMs = options.readyTimeoutMs ?? 30_000;
    await waitForOutput(/"msg":"keel server ready"/, timeoutMs);
    const ready = output
      .split('\n')
      .map((line) => {
        try {
          return JSON.parse(line) as { msg?: string; url?: string };
        } catch {
          return {};
        }
      })
      .find((line) => line.msg === 'keel server ready');
    if (ready?.url === undefined) throw new Error(`no url in keel's ready line:\n${output}`);
    const url = ready.url;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (ended !== undefined) throw new Error(`keel exited before /health answered:\n${output}`);
      const status = await fetch(`${url}/health`).then(
        async (response) => {
          await response.arrayBuffer();
          return response.status;
        },
        () => 0,
      );
      if (status === 200) break;
      if (Date.now() > deadline) throw new Error(`GET ${url}/health did not answer 200 within ${timeoutMs} ms (last: ${status}):\n${output}`);
      await delay(25);
    }
    return { url, port: Number(new URL(url).port), home: options.home, child, output: () => output, waitForOutput, exited, kill, stop };
  } catch (error) {
    await stop(1_000);
    throw error;
  }
}

/** The secret in `$KEEL_HOME/credentials.json`. */
export async function readCredentials(home: string): Promise<{ project: string; api_key: string }> {
  return JSON.parse(await readFile(path.join(home, 'credentials.json'), 'utf8')) as { project: string; api_key: string };
}
