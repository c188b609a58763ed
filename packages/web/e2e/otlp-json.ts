/** Spans written as OTLP/JSON (`POST /v1/traces`), the way any OpenTelemetry exporter sends them. */

export interface TestSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startMs: number;
  endMs: number;
  attributes?: Record<string, string | number | boolean | string[]>;
  error?: string;
  service?: string;
}

type OtlpValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean } | { arrayValue: { values: { stringValue: string }[] } };

function otlpValue(value: string | number | boolean | string[]): OtlpValue {
  if (Array.isArray(value)) return { arrayValue: { values: value.map((item) => ({ stringValue: item })) } };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

const nanos = (ms: number): string => `${Math.round(ms)}000000`;

export function otlpBody(spans: readonly TestSpan[]): unknown {
  const byService = new Map<string, TestSpan[]>();
  for (const span of spans) {
    const service = span.service ?? 'support-bot';
    byService.set(service, [...(byService.get(service) ?? []), span]);
  }
  return {
    resourceSpans: [...byService.entries()].map(([service, group]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [{
        scope: { name: 'keel-e2e' },
        spans: group.map((span) => ({
          traceId: span.traceId,
          spanId: span.spanId,
          ...(span.parentSpanId === undefined ? {} : { parentSpanId: span.parentSpanId }),
          name: span.name,
          kind: 1,
          startTimeUnixNano: nanos(span.startMs),
          endTimeUnixNano: nanos(span.endMs),
          attributes: Object.entries(span.attributes ?? {}).map(([key, value]) => ({ key, value: otlpValue(value) })),
          status: span.error === undefined ? { code: 1 } : { code: 2, message: span.error },
        })),
      }],
    })),
  };
}

/** Sends the spans; the server answers once they are stored. */
export async function sendSpans(baseUrl: string, apiKey: string, spans: readonly TestSpan[]): Promise<void> {
  const response = await fetch(`${baseUrl}/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(otlpBody(spans)),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`OTLP export answered ${response.status}: ${text}`);
  if (text.includes('rejectedSpans') && !/"rejectedSpans":"?0"?/.test(text)) throw new Error(`OTLP export rejected spans: ${text}`);
}

/** A hex id of `bytes` bytes that encodes `n` (unique and readable in failures). */
export const hexId = (n: number, bytes: number): string => n.toString(16).padStart(bytes * 2, '0');
