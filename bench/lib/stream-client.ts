import http from 'node:http';

export interface StreamTiming {
  /** From writing the request to the first `data:` event with content. */
  firstTokenMs: number;
  totalMs: number;
  /** Largest gap between two events. */
  maxGapMs: number;
  events: number;
  status: number;
}

/** One streamed chat completion over `agent`, timed event by event. */
export function timeStream(agent: http.Agent, url: URL, path: string, headers: http.OutgoingHttpHeaders, body: string): Promise<StreamTiming> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstTokenMs = Number.NaN;
    let last = started;
    let maxGapMs = 0;
    let events = 0;
    const request = http.request(
      { agent, host: url.hostname, port: url.port, method: 'POST', path, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        response.setEncoding('utf8');
        response.on('data', (text: string) => {
          const now = performance.now();
          const parts = text.split('data: ').slice(1);
          const count = parts.length;
          if (count > 0) {
            // The first event whose delta carries text (the role chunk's content is empty).
            if (Number.isNaN(firstTokenMs) && parts.some((part) => /"content":"[^"]/.test(part))) firstTokenMs = now - started;
            if (events > 0) maxGapMs = Math.max(maxGapMs, now - last);
            events += count;
            last = now;
          }
        });
        response.on('end', () => resolve({ firstTokenMs, totalMs: performance.now() - started, maxGapMs, events, status: response.statusCode ?? 0 }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
