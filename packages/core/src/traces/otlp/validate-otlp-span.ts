import type { OtlpSpan } from '@keel/spec';
import { isValidId } from './is-valid-id.ts';

const decimalPattern = /^(0|[1-9][0-9]{0,19})$/;
const year2000Nanos = `${Date.UTC(2000, 0, 1)}000000`;
const dayMs = 86_400_000;

/** The range a span's timestamps must fall in, as canonical decimal nanoseconds. */
export interface TimeBounds {
  earliest: string;
  latest: string;
}

/** From the year 2000 to one day after `nowMs`. */
export function timeBounds(nowMs: number): TimeBounds {
  return { earliest: year2000Nanos, latest: `${BigInt(Math.floor(nowMs) + dayMs) * 1_000_000n}` };
}

function idProblem(value: string, what: string, kind: 'trace' | 'span'): string | null {
  if (value === '') return `${what} is missing`;
  if (isValidId(value, kind)) return null;
  const hexLength = kind === 'trace' ? 32 : 16;
  return `${what} must be ${hexLength} hex characters (${hexLength / 2} bytes), not all zeros`;
}

/** Compares canonical decimal strings (no leading zeros) without converting them. */
function isBefore(left: string, right: string): boolean {
  return left.length === right.length ? left < right : left.length < right.length;
}

function timeProblem(value: string, what: string, bounds: TimeBounds): string | null {
  if (value === '' || value === '0') return `${what} is missing or zero`;
  if (!decimalPattern.test(value)) return `${what} must be a non-negative integer of nanoseconds`;
  if (isBefore(value, bounds.earliest)) return `${what} ${value} is before the year 2000`;
  if (isBefore(bounds.latest, value)) return `${what} ${value} is more than a day in the future`;
  return null;
}

/**
 * Why a decoded span cannot be kept, or null when it can. Both decoders produce canonical
 * timestamps (decimal digits without leading zeros) or the raw text they could not read.
 */
export function validateOtlpSpan(span: OtlpSpan, bounds: TimeBounds): string | null {
  const problem =
    idProblem(span.traceId, 'traceId', 'trace') ??
    idProblem(span.spanId, 'spanId', 'span') ??
    (span.parentSpanId === null ? null : idProblem(span.parentSpanId, 'parentSpanId', 'span')) ??
    timeProblem(span.startTimeUnixNano, 'startTimeUnixNano', bounds) ??
    timeProblem(span.endTimeUnixNano, 'endTimeUnixNano', bounds);
  if (problem !== null) return problem;
  if (isBefore(span.endTimeUnixNano, span.startTimeUnixNano)) {
    return `endTimeUnixNano ${span.endTimeUnixNano} is before startTimeUnixNano ${span.startTimeUnixNano}`;
  }
  if (!Number.isInteger(span.otelKind) || span.otelKind < 0 || span.otelKind > 5) return `kind ${span.otelKind} is not a SpanKind (0 to 5)`;
  if (!Number.isInteger(span.status.code) || span.status.code < 0 || span.status.code > 2) return `status code ${span.status.code} is not 0, 1 or 2`;
  for (let index = 0; index < span.events.length; index++) {
    const time = span.events[index]!.timeUnixNano;
    if (!decimalPattern.test(time)) return `event ${index} timeUnixNano must be a non-negative integer of nanoseconds`;
  }
  for (let index = 0; index < span.links.length; index++) {
    const link = span.links[index]!;
    const linkProblem = idProblem(link.traceId, `link ${index} traceId`, 'trace') ?? idProblem(link.spanId, `link ${index} spanId`, 'span');
    if (linkProblem !== null) return linkProblem;
  }
  return null;
}
