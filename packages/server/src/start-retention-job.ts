import type { Logger } from 'pino';
import { runTraceRetention } from '@keel/core';
import type { TraceStore } from '@keel/spec';

export interface RetentionJob {
  stop(): void;
  /** Resolves when no pass is running. */
  idle(): Promise<void>;
}

/** Runs trace retention shortly after start and then every `intervalMs`; a failed pass is logged and retried next time. */
export function startRetentionJob(store: TraceStore, intervalMs: number, logger: Logger): RetentionJob {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const pass = () => {
    if (stopped) return;
    running = runTraceRetention(store, Date.now())
      .then((results) => {
        const deleted = results.reduce((sum, result) => sum + result.deleted, 0);
        if (deleted > 0) logger.info({ deleted, projects: results.filter((result) => result.deleted > 0).length }, 'trace retention deleted old spans');
      })
      .catch((error: unknown) => logger.error({ err: error }, 'trace retention failed'));
  };
  const first = setTimeout(pass, Math.min(intervalMs, 10_000));
  const timer = setInterval(pass, intervalMs);
  first.unref();
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
    },
    idle: () => running,
  };
}
