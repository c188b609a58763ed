import type { Attributes } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createKeelTracing, type KeelTracing } from '@keel/sdk';
import { type BenchResult, type Figure, printFigures } from './lib/figure.ts';
import { formatNumber } from './lib/format-number.ts';
import { note } from './lib/progress.ts';
import { runIfMain } from './lib/run-if-main.ts';
import { startTrivialServer } from './lib/trivial-server.ts';
import { writeResult } from './lib/write-result.ts';

export interface SdkSpanOverheadOptions {
  spans?: number;
  /** Spans made between two yields to the event loop (where the exporter's background work runs). */
  chunk?: number;
  rounds?: number;
}

interface LoopTiming {
  /** Microseconds per span spent in the loop itself: creating, ending and queueing. */
  callerUs: number;
  /** Microseconds per span of wall time, background export and the final flush included. */
  totalUs: number;
}

const attributes: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.usage.input_tokens': 412,
  'gen_ai.usage.output_tokens': 96,
  'user.id': 'user-1234',
};
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const formatUs = (us: number): string => `${formatNumber(us, 2)} µs`;

/**
 * `spans` spans in chunks: the chunk's synchronous loop is the caller's cost; between chunks the
 * event loop runs the exporter (encode, gzip, POST), and when its queue backs up the loop waits for
 * it, so that the total counts every span exported rather than dropped.
 */
async function timeLoop(spans: number, chunk: number, makeSpan: (index: number) => void, drain: () => Promise<void>, backlog: () => number): Promise<LoopTiming> {
  let callerMs = 0;
  const started = performance.now();
  for (let done = 0; done < spans; done += chunk) {
    const chunkStarted = performance.now();
    for (let index = done; index < done + chunk; index += 1) makeSpan(index);
    callerMs += performance.now() - chunkStarted;
    await yieldToLoop();
    if (backlog() > 4 * chunk) await drain();
  }
  await drain();
  return { callerUs: (callerMs * 1000) / spans, totalUs: ((performance.now() - started) * 1000) / spans };
}

/**
 * Tracing figure 5: what the SDK's tracing costs the application per span: Keel's `span()` helper
 * (context propagation, kind and trace attributes, batch queue, exporter to a local trivial HTTP
 * server answering 200 {}) against the same loop on a bare OpenTelemetry BasicTracerProvider with
 * no span processor.
 */
export async function sdkSpanOverhead(options: SdkSpanOverheadOptions = {}): Promise<BenchResult> {
  const spans = options.spans ?? 100_000;
  const chunk = options.chunk ?? 500;
  const bench = 'SDK span overhead';
  note(`\n== ${bench}: ${formatNumber(spans)} spans with ${Object.keys(attributes).length} attributes, chunks of ${chunk}`);
  const trivial = await startTrivialServer();
  let tracing: KeelTracing | undefined;
  try {
    const bare = new BasicTracerProvider();
    const bareTracer = bare.getTracer('bench');
    const bareSpan = (index: number): void => bareTracer.startSpan(index % 2 === 0 ? 'chat gpt-4o-mini' : 'chat gpt-4o', { attributes }).end();
    const bareRun = (count: number) => timeLoop(count, chunk, bareSpan, () => Promise.resolve(), () => 0);

    const keel = createKeelTracing({ url: trivial.url, apiKey: 'bench-key', serviceName: 'bench' });
    tracing = keel;
    const helperSpan = (index: number): void => keel.span(index % 2 === 0 ? 'chat gpt-4o-mini' : 'chat gpt-4o', () => undefined, { kind: 'llm', attributes });
    const rawSpan = (index: number): void => keel.startSpan(index % 2 === 0 ? 'chat gpt-4o-mini' : 'chat gpt-4o', { attributes }).end();
    const keelRun = (count: number, makeSpan: (index: number) => void) => timeLoop(count, chunk, makeSpan, () => keel.flush(), () => keel.stats().queued);

    // Warm-up: JIT, the exporter's first connection.
    await bareRun(20_000);
    await keelRun(20_000, helperSpan);
    await keelRun(20_000, rawSpan);
    const warmStats = keel.stats();
    // Rounds alternate the three loops and keep each one's best: on a shared machine, the least disturbed run.
    const rounds: { baseline: LoopTiming; helper: LoopTiming; raw: LoopTiming }[] = [];
    for (let round = 0; round < (options.rounds ?? 3); round += 1) rounds.push({ baseline: await bareRun(spans), helper: await keelRun(spans, helperSpan), raw: await keelRun(spans, rawSpan) });
    const best = (pick: (round: (typeof rounds)[number]) => LoopTiming): LoopTiming => ({ callerUs: Math.min(...rounds.map((round) => pick(round).callerUs)), totalUs: Math.min(...rounds.map((round) => pick(round).totalUs)) });
    const baseline = best((round) => round.baseline);
    const helper = best((round) => round.helper);
    const raw = best((round) => round.raw);
    const stats = keel.stats();
    const exported = stats.exported - warmStats.exported;
    if (stats.dropped > 0 || stats.failed > 0 || exported !== 2 * spans * rounds.length) throw new Error(`SDK exporter lost spans: ${exported} of ${2 * spans * rounds.length} exported, ${stats.dropped} dropped, ${stats.failed} failed (${stats.lastError ?? ''})`);

    const bareText = `bare BasicTracerProvider, no processor: ${formatUs(baseline.callerUs)}`;
    const figures: Figure[] = [
      { bench, name: 'span() helper, per span (caller)', backend: 'sqlite', value: helper.callerUs, unit: 'µs', display: formatUs(helper.callerUs), target: { op: '<', value: 20 }, baseline: bareText },
      { bench, name: 'span() helper, per span incl. export', backend: 'sqlite', value: helper.totalUs, unit: 'µs', display: formatUs(helper.totalUs), baseline: `bare provider: ${formatUs(baseline.totalUs)}` },
      { bench, name: 'tracer.startSpan().end(), per span (caller)', backend: 'sqlite', value: raw.callerUs, unit: 'µs', display: formatUs(raw.callerUs), baseline: bareText },
      { bench, name: 'tracer.startSpan().end(), incl. export', backend: 'sqlite', value: raw.totalUs, unit: 'µs', display: formatUs(raw.totalUs), baseline: `${formatNumber(stats.requests - warmStats.requests)} OTLP requests for ${formatNumber(2 * spans * rounds.length)} spans` },
    ];
    printFigures(`SDK tracing overhead: ${formatNumber(spans)} spans per loop, best of ${rounds.length} rounds, exporter to a local {} server`, figures);
    const result: BenchResult = { name: 'sdk-span-overhead', figures, details: { spans, chunk, attributes, best: { baseline, helper, raw }, rounds, stats } };
    await writeResult(result.name, result);
    return result;
  } finally {
    await tracing?.shutdown();
    await trivial.stop();
  }
}

runIfMain(import.meta.url, () => sdkSpanOverhead());
