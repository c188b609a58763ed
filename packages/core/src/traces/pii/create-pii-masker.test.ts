import { describe, expect, it } from 'vitest';
import { type OtlpSpan, type PiiDetector, piiDetectors } from '@keel/spec';
import { createPiiMasker } from './create-pii-masker.ts';

function spanWith(attributes: OtlpSpan['attributes'], extra: Partial<OtlpSpan> = {}): OtlpSpan {
  return {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    parentSpanId: null,
    name: 'chat gpt-4o',
    otelKind: 3,
    startTimeUnixNano: '1718035200000000000',
    endTimeUnixNano: '1718035200734000000',
    attributes,
    events: [],
    links: [],
    status: { code: 0, message: '' },
    resource: { 'service.name': 'bot' },
    scope: { name: 'openai', version: '1.2.3' },
    ...extra,
  };
}

function maskerFor(detectors: readonly PiiDetector[], custom: { name: string; pattern: string }[] = []): (text: string) => string {
  const mask = createPiiMasker({ detectors: [...detectors], custom });
  if (mask === null) throw new Error('expected a masker');
  return (text) => mask(spanWith({ text })).attributes['text'] as string;
}

const maskAll = maskerFor(piiDetectors);

describe('createPiiMasker', () => {
  it('returns null when nothing is enabled, so ingest skips it', () => {
    expect(createPiiMasker({ detectors: [], custom: [] })).toBeNull();
  });

  it('masks emails', () => {
    expect(maskAll('write to john.doe+tag@example.co.uk today')).toBe('write to <EMAIL> today');
    expect(maskAll('a@b.io, c_d@mail.example.com')).toBe('<EMAIL>, <EMAIL>');
    expect(maskAll('no @mention here, nor user@localhost')).toBe('no @mention here, nor user@localhost');
  });

  it('masks card numbers only when the Luhn check holds', () => {
    for (const card of ['4111 1111 1111 1111', '4111-1111-1111-1111', '4111111111111111', '5500 0000 0000 0004', '3782 822463 10005', '6011111111111117', '4222222222222']) {
      expect(maskAll(`card ${card} ok`)).toBe('card <CREDIT_CARD> ok');
    }
    for (const notCard of ['4111 1111 1111 1112', '5500 0000 0000 0005', '3782 822463 10006', '4111111111111112']) {
      expect(maskAll(`card ${notCard} ok`)).toBe(`card ${notCard} ok`);
    }
  });

  it('masks a card followed by other numbers, and keeps the rest', () => {
    expect(maskAll('4111 1111 1111 1111 2025')).toBe('<CREDIT_CARD> 2025');
  });

  it('masks IBANs only when their mod-97 check holds', () => {
    expect(maskAll('pay GB82 WEST 1234 5698 7654 32 now')).toBe('pay <IBAN> now');
    expect(maskAll('pay DE89 3704 0044 0532 0130 00.')).toBe('pay <IBAN>.');
    expect(maskAll('DE89370400440532013000')).toBe('<IBAN>');
    expect(maskAll('FR14 2004 1010 0505 0001 3M02 606')).toBe('<IBAN>');
    expect(maskAll('pay GB82 WEST 1234 5698 7654 33 now')).toBe('pay GB82 WEST 1234 5698 7654 33 now');
    expect(maskAll('DE89370400440532013001')).toBe('DE89370400440532013001');
  });

  it('masks an IBAN followed by more capitals at its country length', () => {
    expect(maskAll('GB82 WEST 1234 5698 7654 32 OK THEN')).toBe('<IBAN> OK THEN');
  });

  it('masks phone numbers in international and national shapes', () => {
    for (const phone of ['+1 415 555 2671', '+14155552671', '+44 20 7946 0958', '+44 (0)20 7946 0958', '+33 1 23 45 67 89', '+49 30 1234567', '+1 (415) 555-2671', '(415) 555-2671', '415-555-2671', '415.555.2671', '1-800-555-0199', '020 7946 0958', '07911 123456', '01 23 45 67 89', '06.12.34.56.78', '(030) 1234567']) {
      expect(maskAll(`call ${phone}, thanks`)).toBe('call <PHONE>, thanks');
    }
  });

  it('masks IPv4 and IPv6 addresses', () => {
    expect(maskAll('from 192.168.1.10 and 10.0.0.1.')).toBe('from <IP_ADDRESS> and <IP_ADDRESS>.');
    expect(maskAll('peer 2001:0db8:85a3:0000:0000:8a2e:0370:7334 ok')).toBe('peer <IP_ADDRESS> ok');
    expect(maskAll('peer 2001:db8::1, ::1 and fe80::1%eth0')).toBe('peer <IP_ADDRESS>, <IP_ADDRESS> and <IP_ADDRESS>%eth0');
    expect(maskAll('mapped ::ffff:192.0.2.128')).toBe('mapped <IP_ADDRESS>');
    expect(maskAll('10.0.0.256 is not an address')).toBe('10.0.0.256 is not an address');
  });

  it('leaves numbers that are not PII alone', () => {
    const notPii = [
      'started 1718035200000 (ms), 1718035200 (s), 1718035200000000000 (ns)',
      'tokens: 12345 in, 678 out, 1,234,567 total',
      'date 2024-08-06, 01/02/2024, 2024-08-06T12:30:45.123Z at 12:30:45',
      'model gpt-4o-2024-08-06 v1.2.3 and v1.2.3.4 and 1.2.3.4.5',
      'id 550e8400-e29b-41d4-a716-446655440000, trace 4bf92f3577b34da6a3ce929d0e0e4736',
      'order 123-456-7890 and mac 00:1a:2b:3c:4d:5e, ratio 0.734, pi 3.14159265358979',
    ];
    for (const text of notPii) expect(maskAll(text)).toBe(text);
  });

  it('masks a bare dotted quad, which cannot be told from an IPv4 address', () => {
    expect(maskAll('version 1.2.3.4')).toBe('version <IP_ADDRESS>');
  });

  it('masks custom patterns with their name as the token', () => {
    const mask = maskerFor(['email'], [{ name: 'employee id', pattern: 'EMP-\\d{6}' }, { name: 'Ticket-Ref', pattern: 'TK[0-9]{4}' }]);
    expect(mask('EMP-123456 and TK1234 wrote to a@b.io')).toBe('<EMPLOYEE_ID> and <TICKET_REF> wrote to <EMAIL>');
  });

  it('does not let a custom pattern match inside a token it or another detector wrote', () => {
    const mask = maskerFor(['email'], [{ name: 'shout', pattern: '[A-Z]{4,}' }]);
    const once = mask('HELLO a@b.io');
    expect(once).toBe('<SHOUT> <EMAIL>');
    expect(mask(once)).toBe(once);
  });

  it('masks only the detectors that are enabled', () => {
    const mask = maskerFor(['email']);
    expect(mask('a@b.io 4111111111111111 +1 415 555 2671')).toBe('<EMAIL> 4111111111111111 +1 415 555 2671');
  });

  it('masks JSON text without breaking its escapes', () => {
    const messages = JSON.stringify([{ role: 'user', content: 'hi\nmy card is 4111111111111111\njohn@example.com\tcall +1 415 555 2671' }]);
    const masked = maskAll(messages);
    expect(JSON.parse(masked)).toEqual([{ role: 'user', content: 'hi\nmy card is <CREDIT_CARD>\n<EMAIL>\tcall <PHONE>' }]);
  });

  it('masks every string a span carries and nothing that identifies it', () => {
    const mask = createPiiMasker({ detectors: ['email', 'ip_address'], custom: [] });
    const span = spanWith(
      {
        'gen_ai.input.messages': '[{"role":"user","content":"I am a@b.io"}]',
        'user.emails': ['a@b.io', 'c@d.io'],
        nested: { deeper: [{ email: 'e@f.io', count: 3 }], flag: true, none: null },
        'gen_ai.usage.input_tokens': 12,
      },
      {
        name: 'lookup a@b.io',
        events: [{ name: 'exception', timeUnixNano: '1718035200000000001', attributes: { 'exception.message': 'no route to 10.1.2.3' } }],
        links: [{ traceId: '5bf92f3577b34da6a3ce929d0e0e4736', spanId: '10f067aa0ba902b7', attributes: { note: 'from x@y.io' } }],
        status: { code: 2, message: 'refused for x@y.io' },
        resource: { 'host.ip': '10.0.0.7', 'service.name': 'bot' },
      },
    );
    const before = structuredClone(span);
    const masked = mask?.(span);
    expect(span).toEqual(before);
    expect(masked).toEqual({
      ...span,
      name: 'lookup <EMAIL>',
      attributes: {
        'gen_ai.input.messages': '[{"role":"user","content":"I am <EMAIL>"}]',
        'user.emails': ['<EMAIL>', '<EMAIL>'],
        nested: { deeper: [{ email: '<EMAIL>', count: 3 }], flag: true, none: null },
        'gen_ai.usage.input_tokens': 12,
      },
      events: [{ name: 'exception', timeUnixNano: '1718035200000000001', attributes: { 'exception.message': 'no route to <IP_ADDRESS>' } }],
      links: [{ traceId: '5bf92f3577b34da6a3ce929d0e0e4736', spanId: '10f067aa0ba902b7', attributes: { note: 'from <EMAIL>' } }],
      status: { code: 2, message: 'refused for <EMAIL>' },
      resource: { 'host.ip': '<IP_ADDRESS>', 'service.name': 'bot' },
    });
  });

  it('returns a new span and shares the parts that had nothing to mask', () => {
    const mask = createPiiMasker({ detectors: ['email'], custom: [] });
    const span = spanWith({ a: 'plain', b: ['x', 'y'] });
    const masked = mask?.(span);
    expect(masked).not.toBe(span);
    expect(masked?.attributes).toBe(span.attributes);
    expect(masked?.resource).toBe(span.resource);
  });

  it('refuses an invalid custom pattern rather than ingest unmasked', () => {
    expect(() => createPiiMasker({ detectors: [], custom: [{ name: 'bad', pattern: '(a+)+' }] })).toThrow(/repeats a group/);
  });
});
