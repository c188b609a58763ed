import { describe, expect, it } from 'vitest';
import { piiDetectors } from '@keel/spec';
import { createPiiMasker } from './create-pii-masker.ts';
import { realisticGenAiSpans } from './realistic-genai-spans.ts';

describe('PII masking cost', () => {
  // The budget is well under 1 ms per 100 spans (ingest runs at 30,000 spans/s). The fastest of many
  // batches is compared, loosely: on a shared CI machine single batches are stretched by preemption,
  // while a scan gone quadratic slows every batch.
  it('masks 100 realistic GenAI spans in about a millisecond at most', () => {
    const mask = createPiiMasker({ detectors: [...piiDetectors], custom: [{ name: 'employee id', pattern: 'EMP-\\d{6}' }] });
    if (mask === null) throw new Error('expected a masker');
    const batches = Array.from({ length: 80 }, (_, batch) => realisticGenAiSpans(100, batch * 100));
    let fastest = Infinity;
    for (const [index, batch] of batches.entries()) {
      const started = performance.now();
      for (const span of batch) mask(span);
      if (index >= 20) fastest = Math.min(fastest, performance.now() - started);
    }
    expect(fastest).toBeLessThan(3);
  });
});
