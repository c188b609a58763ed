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

/** Megabytes of dirty pages and pages under writeback, from /proc/meminfo (Linux), or null. */
function unwrittenMb(): number | null {
  let text: string;
  try {
    text = readFileSync('/proc/meminfo', 'utf8');
  } catch {
    return null;
  }
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return (kb('Dirty') + kb('Writeback')) / 1024;
}

export interface QuietWait {
  /** Seconds waited. */
  waitedS: number;
  /** Share of the CPUs busy in the last second measured, 0-1 (null where /proc/stat is unreadable). */
  busy: number | null;
  /** Megabytes not yet written to disk when the wait ended (null where /proc/meminfo is unreadable). */
  unwrittenMb: number | null;
}

/**
 * Waits until the machine's CPUs are at most `maxBusy` busy over one second and at most
 * `maxUnwrittenMb` of dirty pages wait to be written back (what a previous bench left running or
 * unwritten otherwise lands in the next bench's figures: a bench that wrote gigabytes of spans leaves
 * the kernel writing them back, and a write from the next server can block behind that), for at most
 * `timeoutS`. Prints how long it waited when it had to.
 */
export async function waitForQuietMachine(label: string, options: { maxBusy?: number; maxUnwrittenMb?: number; timeoutS?: number } = {}): Promise<QuietWait> {
  const maxBusy = options.maxBusy ?? 0.1;
  const maxUnwrittenMb = options.maxUnwrittenMb ?? 64;
  const timeoutS = options.timeoutS ?? 120;
  const started = performance.now();
  let before = cpuJiffies();
  let busy: number | null = null;
  let unwritten = unwrittenMb();
  while ((performance.now() - started) / 1000 < timeoutS) {
    await sleep(1000);
    const after = cpuJiffies();
    busy = after === null || before === null ? null : after.total > before.total ? (after.busy - before.busy) / (after.total - before.total) : 0;
    before = after;
    unwritten = unwrittenMb();
    if ((busy === null || busy <= maxBusy) && (unwritten === null || unwritten <= maxUnwrittenMb)) break;
  }
  const waitedS = (performance.now() - started) / 1000;
  const quiet = (busy === null || busy <= maxBusy) && (unwritten === null || unwritten <= maxUnwrittenMb);
  if (waitedS > 1.5 || !quiet) {
    note(`(${label}: waited ${waitedS.toFixed(0)} s for a quiet machine; CPUs ${busy === null ? '?' : (busy * 100).toFixed(0)} % busy in the last second, ${unwritten === null ? '?' : unwritten.toFixed(0)} MB not yet written back)`);
  }
  return { waitedS, busy, unwrittenMb: unwritten };
}
