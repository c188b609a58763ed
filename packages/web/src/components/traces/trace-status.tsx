import type { SpanStatus } from '@keel/spec';

/** A span's or trace's status as a pill: error in red, ok in green, unset plain. */
export function TraceStatus({ status, message }: { status: SpanStatus; message?: string }) {
  const className = status === 'error' ? 'pill error' : status === 'ok' ? 'pill ok' : 'pill';
  return <span className={className} title={message === undefined || message === '' ? undefined : message}>{status === 'error' ? 'error' : status === 'ok' ? 'ok' : 'unset'}</span>;
}
