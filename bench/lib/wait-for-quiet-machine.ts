import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { note } from './progress.ts';

/** Busy and total jiffies of all CPUs together, from /proc/stat (Linux). */
function cpuJiffies(): { busy: number; total: number } | null {
  let line: string | undefined;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  } catch {
    return null;
  }
  if (line === undefined || !line.startsWith('cpu ')) return null;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

export interface QuietWait {
  /** Seconds waited. */
  waitedS: number;
  /** Share of the CPUs busy in the last second measured, 0-1 (null where /proc/stat is unreadable). */
  busy: number | null;
}

/**
 * Waits until the machine's CPUs are at most `maxBusy` busy over one second (what a previous bench
 * left running, such as the kernel writing back a database's dirty pages, otherwise lands in the
 * next bench's figures), for at most `timeoutS`. Prints how long it waited when it had to.
 */
export async function waitForQuietMachine(label: string, options: { maxBusy?: number; timeoutS?: number } = {}): Promise<QuietWait> {
  const maxBusy = options.maxBusy ?? 0.1;
  const timeoutS = options.timeoutS ?? 60;
  const started = performance.now();
  let before = cpuJiffies();
  if (before === null) return { waitedS: 0, busy: null };
  let busy = 1;
  while ((performance.now() - started) / 1000 < timeoutS) {
    await sleep(1000);
    const after = cpuJiffies();
    if (after === null) return { waitedS: 0, busy: null };
    busy = after.total > before.total ? (after.busy - before.busy) / (after.total - before.total) : 0;
    before = after;
    if (busy <= maxBusy) break;
  }
  const waitedS = (performance.now() - started) / 1000;
  if (waitedS > 1.5 || busy > maxBusy) note(`(${label}: waited ${waitedS.toFixed(0)} s for a quiet machine; CPUs ${(busy * 100).toFixed(0)} % busy in the last second)`);
  return { waitedS, busy };
}
