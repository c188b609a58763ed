import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttributeValue, SpanRecord } from '@keel/spec';
import { packRawText, unpackRawText } from './trace-raw-text.ts';

type Raw = SpanRecord['raw'];

const rawWith = (attributes: Record<string, AttributeValue>): Raw => ({
  otelKind: 3,
  startTimeUnixNano: '1700000000000000000',
  endTimeUnixNano: '1700000001000000000',
  attributes,
  events: [],
  links: [],
  status: { code: 1, message: '' },
  resource: { 'service.name': 'support-chat' },
  scope: { name: 'test', version: '1' },
});

/** What the mapper stores for OTel GenAI messages: `[{role, content}]` JSON. */
const normalized = (messages: { role: string; content: string }[]): string => JSON.stringify(messages);
/** The same messages as an OTel GenAI instrumentation sends them. */
const genAi = (messages: { role: string; content: string }[]): string =>
  JSON.stringify(messages.map(({ role, content }) => ({ role, parts: [{ type: 'text', content }] })));

const system = 'You are a support agent. Answer from the "documents" only;\nsay so when they do not cover it.';
const question = 'My invoice from March shows the wrong VAT number — how do I get a corrected one? ✓ \u2028 thanks';
const answer = 'Open Billing → Invoices, pick the March invoice and choose "Request correction"; a new one arrives within a day.';

function roundTrip(raw: Raw, input: string | null, output: string | null): string {
  const stored = packRawText(raw, input, output);
  expect(JSON.stringify(unpackRawText(stored, input, output))).toBe(JSON.stringify(raw));
  return stored;
}

describe('spans.raw storage', () => {
  it('stores the message text of GenAI attributes once, as references to the input and output columns', () => {
    const messagesIn = [{ role: 'system', content: system }, { role: 'user', content: question }];
    const messagesOut = [{ role: 'assistant', content: answer }];
    const raw = rawWith({
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.input.messages': genAi(messagesIn),
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.output.messages': genAi(messagesOut),
      'user.id': 'user-1',
    });
    const stored = roundTrip(raw, normalized(messagesIn), normalized(messagesOut));
    const whole = JSON.stringify(raw);
    // The three texts are gone from the stored raw: what is left is the attribute names and the JSON around them.
    for (const text of [system, question, answer]) expect(stored).not.toContain(text.slice(0, 20));
    expect(stored.length).toBeLessThan(whole.length - system.length - question.length - answer.length + 200);
    expect(Object.keys(unpackRawText(stored, normalized(messagesIn), normalized(messagesOut)).attributes)).toEqual(Object.keys(raw.attributes));
  });

  it('stores a plain-text attribute (input.value) as a reference to a column that holds it as one JSON string', () => {
    const raw = rawWith({ 'input.value': question, 'output.value': answer, 'session.id': 's-1' });
    const stored = roundTrip(raw, JSON.stringify(question), JSON.stringify(answer));
    expect(stored).not.toContain('VAT number');
    expect(stored).not.toContain('Request correction');
  });

  it('keeps raw text whole when the columns hold nothing of it, and reads raw text stored before as it is', () => {
    const raw = rawWith({ 'gen_ai.input.messages': genAi([{ role: 'user', content: question }]) });
    expect(roundTrip(raw, null, null)).toBe(JSON.stringify(raw));
    expect(roundTrip(raw, JSON.stringify('an input that the attributes do not contain at all'), null)).toBe(JSON.stringify(raw));
    expect(unpackRawText(JSON.stringify(raw), normalized([{ role: 'user', content: question }]), null)).toEqual(raw);
  });

  it('stores attributes named __proto__ as they are', () => {
    const attributes = JSON.parse(`{"__proto__": ${JSON.stringify(question)}, "input.value": ${JSON.stringify(question)}}`) as Record<string, AttributeValue>;
    const raw = rawWith(attributes);
    expect(roundTrip(raw, JSON.stringify(question), null)).toBe(JSON.stringify(raw));
  });

  it('keeps attributes named like Object.prototype members (valueOf, toString, constructor) beside a replaced one', () => {
    const raw = rawWith({ valueOf: '', toString: 'x', constructor: 3, 'input.value': question });
    const stored = roundTrip(raw, JSON.stringify(question), null);
    expect(stored).not.toContain('VAT number');
    expect(unpackRawText(stored, JSON.stringify(question), null).attributes).toEqual({ valueOf: '', toString: 'x', constructor: 3, 'input.value': question });
  });

  it('replaces only the first matches of a text made of repeats, and reads it back whole', () => {
    const repeated = `${answer}|`.repeat(200);
    const raw = rawWith({ 'output.value': repeated });
    const stored = roundTrip(raw, JSON.stringify(answer), null);
    // 64 references, the remaining repeats literal.
    expect(stored.split(JSON.stringify(answer).slice(1, -1)).length - 1).toBe(200 - 64);
  });

  it('refuses raw text whose references name a column the row does not hold', () => {
    const raw = rawWith({ 'input.value': question });
    const stored = packRawText(raw, JSON.stringify(question), null);
    expect(() => unpackRawText(stored, null, null)).toThrow(/refers to a column/);
  });

  it('reads back exactly what it was given, whatever the attributes and columns share', () => {
    const piece = fc.string({ unit: 'binary', maxLength: 60 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(piece, fc.integer({ min: 1, max: 4 })).map(([text, times]) => text.repeat(times)), { minLength: 1, maxLength: 5 }),
        fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.array(fc.oneof(piece, fc.nat({ max: 9 })), { maxLength: 6 })), { maxLength: 5 }),
        fc.boolean(),
        (texts, shapes, plain) => {
          // Columns as the mapper writes them (messages, or one JSON string); attributes made of column texts (as they are or JSON-escaped) and other text.
          const input = plain ? JSON.stringify(texts.join('')) : JSON.stringify(texts.map((content, index) => ({ role: index % 2 === 0 ? 'user' : 'system', content })));
          const output = JSON.stringify([{ role: 'assistant', content: texts.slice().reverse().join(' ') }]);
          const attributes: Record<string, AttributeValue> = {};
          for (const [key, parts] of shapes) {
            attributes[key] = parts.map((part) => (typeof part === 'string' ? part : part % 2 === 0 ? (texts[part % texts.length] ?? '') : JSON.stringify(texts[part % texts.length] ?? ''))).join('');
          }
          roundTrip(rawWith(attributes), input, output);
        },
      ),
      { numRuns: 500 },
    );
  });
});
