import { performance } from 'node:perf_hooks';

export interface SaturationMonitor {
  isSaturated(): boolean;
  stop(): void;
}

/**
 * Samples the event loop's utilisation every `intervalMs`: above `threshold` (busy that share of
 * the time) the process is saturated, and work offered beyond what is in progress only queues.
 */
export function startSaturationMonitor(intervalMs = 250, threshold = 0.9): SaturationMonitor {
  let last = performance.eventLoopUtilization();
  let saturated = false;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    saturated = performance.eventLoopUtilization(now, last).utilization > threshold;
    last = now;
  }, intervalMs);
  timer.unref();
  return { isSaturated: () => saturated, stop: () => clearInterval(timer) };
}
