import { describe, expect, it } from 'vitest';
import { readSseEvents } from './read-sse-events.ts';

async function collect(parts: string[]): Promise<{ event: string; data: string }[]> {
  const encoder = new TextEncoder();
  async function* body(): AsyncGenerator<Uint8Array> {
    for (const part of parts) yield encoder.encode(part);
  }
  const events = [];
  for await (const event of readSseEvents(body())) events.push(event);
  return events;
}

describe('readSseEvents', () => {
  it('joins data lines, keeps event names and skips comments', async () => {
    expect(await collect([': ping\n\nevent: message_start\ndata: {"a":1}\n\ndata: x\ndata: y\n\n'])).toEqual([
      { event: 'message_start', data: '{"a":1}' },
      { event: '', data: 'x\ny' },
    ]);
  });

  it('handles events split across chunks, CRLF split between chunks, and multi-byte characters split between chunks', async () => {
    const bytes = new TextEncoder().encode('data: héllo\r\n\r\ndata: [DONE]\n\n');
    async function* body(): AsyncGenerator<Uint8Array> {
      for (const byte of bytes) yield new Uint8Array([byte]);
    }
    const events = [];
    for await (const event of readSseEvents(body())) events.push(event.data);
    expect(events).toEqual(['héllo', '[DONE]']);
  });

  it('yields a last event that has no blank line after it', async () => {
    expect(await collect(['data: one\n\ndata: two'])).toEqual([{ event: '', data: 'one' }, { event: '', data: 'two' }]);
  });
});
