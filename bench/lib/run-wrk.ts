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
  /** wrk's latency p99 and maximum, in ms (NaN when it printed none). */
  latencyP99Ms: number;
  latencyMaxMs: number;
}

/** wrk prints durations as 812.50us, 12.34ms or 1.97s. */
function wrkDurationMs(text: string | undefined): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '');
  if (match === null) return Number.NaN;
  const scale = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[match[2] as 'us' | 'ms' | 's' | 'm'];
  return Number(match[1]) * scale;
}

// wrk's default timeout (2 s) counts an answer that takes longer as a socket error. On two cores
// saturated by wrk, the server and its upstream, the first request on each of wrk's 128 new
// connections can take that long (a burst of new connections waits several turns of each busy
// event loop; the bare proxy shows it too), so slow answers are timed, not counted as failures,
// up to this timeout, and the p99 and maximum are reported.
const wrkTimeout = '10s';

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
    execFile('wrk', ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--timeout', wrkTimeout, '--latency', '-s', script, url], { maxBuffer: 1 << 20 }, (error, stdout) => (error === null ? resolve(stdout) : reject(error)));
  });
  const number = (pattern: RegExp): number => Number(pattern.exec(output)?.[1] ?? Number.NaN);
  const non2xx = number(/Non-2xx or 3xx responses:\s+(\d+)/);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = socket === null ? 0 : socket.slice(1).reduce((sum, value) => sum + Number(value), 0);
  const errorDetail = `non-2xx ${Number.isNaN(non2xx) ? 0 : non2xx}; socket errors: ${socket === null ? 'none' : `connect ${socket[1]}, read ${socket[2]}, write ${socket[3]}, timeout (over ${wrkTimeout}) ${socket[4]}`}`;
  const latencyLine = /Latency\s+(\S+)\s+(\S+)\s+(\S+)/.exec(output);
  return {
    requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
    requests: number(/(\d+) requests in/),
    errors: (Number.isNaN(non2xx) ? 0 : non2xx) + socketErrors,
    errorDetail,
    latencyP99Ms: wrkDurationMs(/\s99%\s+(\S+)/.exec(output)?.[1]),
    latencyMaxMs: wrkDurationMs(latencyLine?.[3]),
  };
}

/** Throws when wrk counted any failure, naming `label`, what failed and `context` (e.g. a server's output). */
export function requireNoWrkErrors(label: string, result: WrkResult, context = ''): void {
  if (result.errors > 0) throw new Error(`${label}: ${result.errors} of ${result.requests} requests failed (${result.errorDetail})${context}`);
}
