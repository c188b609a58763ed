import { KeelError, type OtlpDecodeResult, type OtlpSpan } from '@keel/spec';
import { isValidId } from './is-valid-id.ts';
import type { OtlpDecodeOptions } from './otlp-decode-options.ts';
import { type TimeBounds, timeBounds, validateOtlpSpan } from './validate-otlp-span.ts';

/** Numbers the spans of one request across all its groups, enforces `maxSpans`, and sorts kept from rejected. */
export class SpanCollector {
  private readonly result: OtlpDecodeResult = { spans: [], rejected: [] };
  private count = 0;
  private readonly bounds: TimeBounds;
  private readonly maxSpans: number;

  constructor(options: OtlpDecodeOptions) {
    this.bounds = timeBounds(options.nowMs);
    this.maxSpans = options.maxSpans ?? Number.POSITIVE_INFINITY;
  }

  /** The index of the next span of the request. */
  nextIndex(): number {
    if (this.count >= this.maxSpans) {
      throw new KeelError('PAYLOAD_TOO_LARGE', `The request holds more than ${this.maxSpans} spans, the most one request may carry; send smaller batches`, {
        details: { maxSpans: this.maxSpans },
      });
    }
    return this.count++;
  }

  add(index: number, span: OtlpSpan): void {
    const reason = validateOtlpSpan(span, this.bounds);
    if (reason === null) this.result.spans.push(span);
    else this.reject(index, span.spanId, reason);
  }

  reject(index: number, spanId: string | null, reason: string): void {
    this.result.rejected.push({ index, spanId: spanId !== null && isValidId(spanId, 'span') ? spanId : null, reason });
  }

  done(): OtlpDecodeResult {
    return this.result;
  }
}
