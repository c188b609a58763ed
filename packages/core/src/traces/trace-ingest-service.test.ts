import { hasErrorCode, type OtlpSpan, type ProjectSpan, type TraceSettings } from '@keel/spec';
import { describe, expect, it } from 'vitest';
import { createTraceIngestService } from './trace-ingest-service.ts';

const settings: TraceSettings = { retentionDays: null, pii: { detectors: ['email'], custom: [] }, prices: [{ pattern: 'house-model', input: 1, output: 2 }] };

function fakeStore() {
  const written: ProjectSpan[] = [];
  let settingsReads = 0;
  return {
    written,
    settingsReads: () => settingsReads,
    store: {
      insertSpans: async (spans: ProjectSpan[]) => {
        written.push(...spans);
      },
      getTraceSettings: async () => {
        settingsReads += 1;
        return settings;
      },
    },
  };
}

const span = (attributes: OtlpSpan['attributes']): OtlpSpan => ({
  traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: null, name: 'chat', otelKind: 3,
  startTimeUnixNano: '1764396000000000000', endTimeUnixNano: '1764396000250000000', attributes, events: [], links: [],
  status: { code: 0, message: '' }, resource: { 'service.name': 'bot' }, scope: { name: 's', version: '1' },
});

const options = (store: ReturnType<typeof fakeStore>['store'], extra: Partial<Parameters<typeof createTraceIngestService>[0]> = {}) => ({
  store, clock: { now: () => 0 }, maxQueuedSpans: 100, maxBatchSpans: 100, retryAfterSeconds: 1, settingsTtlMs: 5_000, maxActiveRequests: 4, ...extra,
});

describe('trace ingest service', () => {
  it("masks with the project's PII rules, maps, prices with its overrides, and reads settings once per TTL", async () => {
    const fake = fakeStore();
    const ingest = createTraceIngestService(options(fake.store));
    await ingest.ingest(7, [span({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'house-model', 'gen_ai.usage.input_tokens': 1_000_000, 'gen_ai.usage.output_tokens': 500_000, 'input.value': 'mail me at a@b.io' })]);
    await ingest.ingest(7, [span({ 'gen_ai.operation.name': 'chat' })]);
    expect(fake.settingsReads()).toBe(1);
    const stored = fake.written[0]!;
    expect(stored.projectId).toBe(7);
    expect(stored.span).toMatchObject({ kind: 'llm', model: 'house-model', cost: 2, costSource: 'computed', latencyMs: 250, serviceName: 'bot' });
    expect(JSON.stringify(stored.span.raw)).toContain('mail me at <EMAIL>');
    ingest.invalidateSettings(7);
    await ingest.ingest(7, [span({})]);
    expect(fake.settingsReads()).toBe(2);
  });

  it('admits up to maxActiveRequests, and fewer while the process is saturated', () => {
    let saturated = false;
    const ingest = createTraceIngestService(options(fakeStore().store, { isSaturated: () => saturated, busyActiveRequests: 2 }));
    const releases = [ingest.admit(), ingest.admit()];
    saturated = true;
    const refused = (() => {
      try {
        ingest.admit();
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    expect(hasErrorCode(refused, 'TEMPORARILY_UNAVAILABLE')).toBe(true);
    saturated = false;
    releases.push(ingest.admit(), ingest.admit());
    expect(() => ingest.admit()).toThrow(/4 OTLP requests in progress/);
    for (const release of releases) release();
    releases[0]!();
    expect(ingest.stats()).toMatchObject({ activeRequests: 0, refusedRequests: 2 });
  });

  it('refuses a request before its body is read while the write queue is full, and admits again once it drains', async () => {
    let unblock: () => void = () => undefined;
    const written: ProjectSpan[] = [];
    const store = {
      insertSpans: (spans: ProjectSpan[]) => new Promise<void>((resolve) => (unblock = () => (written.push(...spans), resolve()))),
      getTraceSettings: async () => settings,
    };
    const ingest = createTraceIngestService(options(store, { maxQueuedSpans: 3, maxBatchSpans: 3 }));
    const release = ingest.admit();
    const pending = ingest.ingest(1, [span({}), span({}), span({})]);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    expect(ingest.stats().queuedSpans).toBe(3);
    expect(() => ingest.admit()).toThrow(/3 spans waiting to be written/);
    unblock();
    await pending;
    expect(written).toHaveLength(3);
    ingest.admit()();
    expect(ingest.stats()).toMatchObject({ activeRequests: 0, refusedRequests: 1 });
  });
});
