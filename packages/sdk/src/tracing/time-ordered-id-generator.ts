import { type IdGenerator, RandomIdGenerator } from '@opentelemetry/sdk-trace-base';

/**
 * Trace ids that start with the time in milliseconds (12 hex digits, as a UUIDv7 does) and end with
 * 80 random bits; span ids as OpenTelemetry makes them. A store keyed by trace id then adds each
 * new trace at the end of its index instead of at a random page (decision 0017).
 */
export function createTimeOrderedIdGenerator(now: () => number = Date.now): IdGenerator {
  const random = new RandomIdGenerator();
  return {
    generateTraceId: () => `${Math.floor(now()).toString(16).padStart(12, '0').slice(-12)}${random.generateTraceId().slice(12)}`,
    generateSpanId: () => random.generateSpanId(),
  };
}
