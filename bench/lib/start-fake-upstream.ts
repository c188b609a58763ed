import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface FakeUpstreamProcess {
  baseURL: string;
  pid: number;
  stop(): Promise<void>;
}

const script = fileURLToPath(new URL('./fake-upstream-process.ts', import.meta.url));

/** Starts bench/lib/fake-upstream-process.ts in a child process and waits for its URL. */
export async function startFakeUpstream(latencyMs: number, chunkIntervalMs = 0): Promise<FakeUpstreamProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, String(latencyMs), String(chunkIntervalMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const baseURL = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fake upstream exited with ${code}`)));
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
