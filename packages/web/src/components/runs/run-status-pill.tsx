import type { RunStatus } from '@keel/sdk/client';

const tone: Record<RunStatus, string> = { FINISHED: 'ok', FAILED: 'error', KILLED: 'error', RUNNING: 'running', SCHEDULED: '' };

/** A run's status as a coloured pill. */
export function RunStatusPill({ status }: { status: RunStatus }) {
  return <span className={`pill ${tone[status]}`}>{status.toLowerCase()}</span>;
}
