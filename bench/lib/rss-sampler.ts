import { readFileSync } from 'node:fs';

/** A field of /proc/<pid>/status in MB (VmRSS: resident now; VmHWM: the peak since start); NaN once the process is gone. */
export function readProcStatusMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return match?.[1] === undefined ? Number.NaN : Number(match[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

export interface RssSamples {
  samplesMb: number[];
  peakMb: number;
  lastMb: number;
  /** The kernel's own high-water mark (VmHWM) when sampling stopped: catches peaks between samples. */
  highWaterMb: number;
}

export interface RssSampler {
  stop(): RssSamples;
}

/** Samples VmRSS of `pid` every `intervalMs` until stopped. */
export function startRssSampler(pid: number, intervalMs = 50): RssSampler {
  const samplesMb: number[] = [];
  const sample = (): void => {
    const value = readProcStatusMb(pid);
    if (!Number.isNaN(value)) samplesMb.push(value);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return {
        samplesMb,
        peakMb: samplesMb.length === 0 ? Number.NaN : Math.max(...samplesMb),
        lastMb: samplesMb[samplesMb.length - 1] ?? Number.NaN,
        highWaterMb: readProcStatusMb(pid, 'VmHWM'),
      };
    },
  };
}

/** Samples RSS for `durationMs` and returns the samples (used for "idle" RSS). */
export async function sampleRss(pid: number, durationMs: number, intervalMs = 50): Promise<RssSamples> {
  const sampler = startRssSampler(pid, intervalMs);
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  return sampler.stop();
}
