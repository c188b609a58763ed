import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface UrlProcess {
  baseURL: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts a bench/lib script that prints `{"baseURL": ...}` as its first line, in its own process, and waits for that line. */
async function startUrlProcess(scriptName: string, args: string[]): Promise<UrlProcess> {
  const script = fileURLToPath(new URL(`./${scriptName}`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const baseURL = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${scriptName} exited with ${code}`)));
    lines.once('line', (line) => resolve((JSON.parse(line) as { baseURL: string }).baseURL));
  });
  return {
    baseURL,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** bench/lib/fake-upstream-process.ts: a fake OpenAI upstream with a fixed latency (and a pace between streamed chunks, and its reply when given). */
export function startFakeUpstream(latencyMs: number, chunkIntervalMs = 0, reply?: string): Promise<UrlProcess> {
  return startUrlProcess('fake-upstream-process.ts', [String(latencyMs), String(chunkIntervalMs), ...(reply === undefined ? [] : [reply])]);
}

/** bench/lib/minimal-proxy-process.ts in front of `upstreamBaseURL`: the floor any Node gateway pays for its extra hop. */
export function startMinimalProxy(upstreamBaseURL: string): Promise<UrlProcess> {
  return startUrlProcess('minimal-proxy-process.ts', [upstreamBaseURL]);
}
