import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type OtlpSpan, piiDetectors } from '@keel/spec';
import { createPiiMasker } from './create-pii-masker.ts';

const mask = createPiiMasker({ detectors: [...piiDetectors], custom: [] });
const maskWithCustom = createPiiMasker({ detectors: [...piiDetectors], custom: [{ name: 'employee id', pattern: 'EMP-\\d{3,6}' }, { name: 'shout', pattern: '[A-Z]{5,}' }] });

function maskText(masker: typeof mask, text: string): string {
  if (masker === null) throw new Error('expected a masker');
  const span: OtlpSpan = {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', parentSpanId: null, name: '', otelKind: 1,
    startTimeUnixNano: '1', endTimeUnixNano: '2', attributes: { text }, events: [], links: [], status: { code: 0, message: '' },
    resource: {}, scope: { name: '', version: '' },
  };
  return masker(span).attributes['text'] as string;
}

// Fragments that look like PII, nearly-PII and the separators around them, so that generated strings
// hit the detectors' edges far more often than uniform random text would.
const fragment = fc.oneof(
  fc.constantFrom(
    '4111 1111 1111 1111', '4111111111111112', '5500-0000-0000-0004', 'GB82 WEST 1234 5698 7654 32', 'DE89370400440532013001',
    'jane.roe@example.com', '@', 'a@b', '+44 20 7946 0958', '+1', '(415) 555-2671', '020 7946 0958', '192.168.0.1', '1.2.3.4.5',
    '2001:db8::1', '::', ':', '.', '-', ' ', '\\n', '"', '<EMAIL>', '<', '>', 'EMP-1234', 'HELLO', '1718035200000', '2024-08-06', '0', '00',
  ),
  fc.string({ maxLength: 6 }),
  fc.stringMatching(/^[0-9 .:+()-]{1,12}$/),
  fc.stringMatching(/^[A-Z0-9]{1,6}$/),
);
const pieceyText = fc.array(fragment, { maxLength: 12 }).map((parts) => parts.join(''));
const anyText = fc.oneof(pieceyText, fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 40 }));

describe('PII masking properties', () => {
  it('never throws and is idempotent', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const masker of [mask, maskWithCustom]) {
          const once = maskText(masker, text);
          expect(maskText(masker, once)).toBe(once);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves strings without a digit or an @ unchanged', () => {
    const noDigitNoAt = anyText.map((text) => text.replace(/[0-9@]/g, ''));
    fc.assert(
      fc.property(noDigitNoAt, (text) => {
        expect(maskText(mask, text)).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });
});
