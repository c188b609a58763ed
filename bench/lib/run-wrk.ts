import { execFile, execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface WrkResult {
  requestsPerSecond: number;
  requests: number;
  /** Non-2xx answers and socket errors. */
  errors: number;
  /** What the errors were, as wrk counts them (for error messages). */
  errorDetail: string;
}

/** Whether wrk (Debian package `wrk`) is on the PATH: a C load generator that leaves the cores to what is measured. */
export function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk --version exits 1 after printing its version.
    return (error as { status?: number }).status === 1;
  }
}

/** POSTs `body` to `url` for `seconds` over `connections` keep-alive connections on one wrk thread. */
export async function runWrk(url: string, options: { connections: number; seconds: number; body: string; headers: Record<string, string> }): Promise<WrkResult> {
  const script = path.join(tmpdir(), `keel-wrk-${process.pid}-${Date.now()}.lua`);
  const headerLines = Object.entries({ 'content-type': 'application/json', ...options.headers }).map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`);
  await writeFile(script, ['wrk.method = "POST"', `wrk.body = ${JSON.stringify(options.body)}`, ...headerLines].join('\n'));
  const output = await new Promise<string>((resolve, reject) => {
    execFile('wrk', ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '-s', script, url], { maxBuffer: 1 << 20 }, (error, stdout) => (error === null ? resolve(stdout) : reject(error)));
  });
  const number = (pattern: RegExp): number => Number(pattern.exec(output)?.[1] ?? Number.NaN);
  const non2xx = number(/Non-2xx or 3xx responses:\s+(\d+)/);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = socket === null ? 0 : socket.slice(1).reduce((sum, value) => sum + Number(value), 0);
  const errorDetail = `non-2xx ${Number.isNaN(non2xx) ? 0 : non2xx}; socket errors: ${socket === null ? 'none' : `connect ${socket[1]}, read ${socket[2]}, write ${socket[3]}, timeout (over wrk's 2 s) ${socket[4]}`}`;
  return { requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/), requests: number(/(\d+) requests in/), errors: (Number.isNaN(non2xx) ? 0 : non2xx) + socketErrors, errorDetail };
}

/** Throws when wrk counted any failure, naming `label`, what failed and `context` (e.g. a server's output). */
export function requireNoWrkErrors(label: string, result: WrkResult, context = ''): void {
  if (result.errors > 0) throw new Error(`${label}: ${result.errors} of ${result.requests} requests failed (${result.errorDetail})${context}`);
}
