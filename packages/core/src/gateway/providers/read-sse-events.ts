/** One server-sent event: its `event:` name (empty when none) and its joined `data:` lines. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * Splits a byte stream into server-sent events (the WHATWG rules: lines end in LF, CRLF or CR; a
 * blank line ends an event; comment lines start with ':'). Bytes are decoded as UTF-8 across chunk
 * boundaries.
 */
export async function* readSseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let sawData = false;
  function* takeLines(final: boolean): Generator<SseEvent> {
    for (;;) {
      const match = /\r\n|\r|\n/.exec(buffer);
      if (match === null) break;
      // A CR at the very end may be the first half of CRLF: wait for the next chunk.
      if (match[0] === '\r' && match.index === buffer.length - 1 && !final) break;
      const line = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      if (line === '') {
        if (sawData) yield { event, data: data.join('\n') };
        event = '';
        data = [];
        sawData = false;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') {
        data.push(value);
        sawData = true;
      } else if (field === 'event') event = value;
    }
  }
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    yield* takeLines(false);
  }
  buffer += decoder.decode();
  yield* takeLines(true);
  if (buffer !== '') {
    const line = buffer;
    buffer = '';
    if (line.startsWith('data:')) {
      data.push(line.slice(5).replace(/^ /, ''));
      sawData = true;
    }
  }
  if (sawData) yield { event, data: data.join('\n') };
}
