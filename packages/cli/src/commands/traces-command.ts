import type { Command } from 'commander';
import type { SpanStatus, WireSpanNode, WireTraceSummary } from '@keel/spec';
import type { CommandContext, ContextFactory } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';
import { formatTime } from '../format-values.ts';
import { parsePositiveInt } from '../parse-positive-int.ts';
import { parseTimeWindow } from '../parse-time-window.ts';
import { writeJson } from '../write-json.ts';

interface ListOptions {
  since?: string;
  from?: string;
  to?: string;
  model?: string;
  user?: string;
  session?: string;
  status?: SpanStatus;
  tag?: string;
  name?: string;
  minLatency?: string;
  minCost?: string;
  text?: string;
  limit?: string;
  json?: boolean;
}

export const formatMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
export const formatCost = (usd: number): string => (usd === 0 ? '-' : `$${usd < 0.01 ? usd.toFixed(6) : usd.toFixed(4)}`);
const formatTokens = (input: number, output: number): string => (input + output === 0 ? '-' : `${input}/${output}`);

export async function listTraces({ client, stdout, now }: CommandContext, options: ListOptions): Promise<void> {
  const window = parseTimeWindow(options, now());
  const page = await client.traces.list({
    ...window,
    model: options.model,
    userId: options.user,
    sessionId: options.session,
    status: options.status,
    tag: options.tag,
    name: options.name,
    minLatencyMs: options.minLatency === undefined ? undefined : Number(options.minLatency),
    minCost: options.minCost === undefined ? undefined : Number(options.minCost),
    text: options.text,
    limit: options.limit === undefined ? 50 : parsePositiveInt(options.limit),
  } as Parameters<typeof client.traces.list>[0]);
  if (options.json === true) return writeJson(stdout, page);
  if (page.items.length === 0) {
    stdout.write(`No traces between ${formatTime(window.from)} and ${formatTime(window.to)}.\n`);
    return;
  }
  stdout.write(
    formatTable(
      ['TRACE', 'START', 'NAME', 'LATENCY', 'STATUS', 'SPANS', 'TOKENS', 'COST', 'MODELS', 'USER'],
      page.items.map((trace: WireTraceSummary) => [
        trace.traceId, formatTime(trace.startUs / 1000), trace.name, formatMs(trace.latencyMs), trace.status, String(trace.spanCount),
        formatTokens(trace.inputTokens, trace.outputTokens), formatCost(trace.cost), trace.models.join(','), trace.userId ?? '-',
      ]),
      { alignRight: [3, 5, 6, 7] },
    ),
  );
  if (page.nextPageToken !== undefined) stdout.write(`More traces: narrow the window or raise --limit.\n`);
}

function treeRows(nodes: readonly WireSpanNode[], prefix: string, rows: string[][]): void {
  nodes.forEach((node, index) => {
    const last = index === nodes.length - 1;
    const branch = prefix === '' && node.depth === 0 ? '' : last ? '└─ ' : '├─ ';
    const { span } = node;
    const detail = [span.model ?? '', formatTokens(span.inputTokens ?? 0, span.outputTokens ?? 0), span.cost === null ? '' : formatCost(span.cost)].filter((part) => part !== '' && part !== '-');
    const status = span.status === 'error' ? `ERROR${span.statusMessage === '' ? '' : `: ${span.statusMessage}`}` : span.status;
    rows.push([`+${formatMs(node.offsetMs)}`, formatMs(span.latencyMs), `${prefix}${branch}${span.name} [${span.kind}]`, status, detail.join('  ')]);
    treeRows(node.children, prefix + (branch === '' ? '' : last ? '   ' : '│  '), rows);
  });
}

export async function getTrace({ client, stdout }: CommandContext, traceId: string, options: { json?: boolean }): Promise<void> {
  const detail = await client.traces.get(traceId);
  if (options.json === true) return writeJson(stdout, detail);
  const { trace } = detail;
  stdout.write(`trace    ${trace.traceId}\nname     ${trace.name}\nstart    ${trace.startTime}\nlatency  ${formatMs(trace.latencyMs)}\nstatus   ${trace.status}\n`);
  stdout.write(`tokens   ${trace.inputTokens} in / ${trace.outputTokens} out\ncost     ${formatCost(trace.cost)}\n`);
  if (trace.userId !== null) stdout.write(`user     ${trace.userId}\n`);
  if (trace.sessionId !== null) stdout.write(`session  ${trace.sessionId}\n`);
  stdout.write('\n');
  const rows: string[][] = [];
  treeRows(detail.spans, '', rows);
  stdout.write(formatTable(['START', 'DURATION', 'SPAN', 'STATUS', 'DETAIL'], rows, { alignRight: [0, 1] }));
  if (detail.scores.length > 0) {
    stdout.write('\n');
    stdout.write(formatTable(['SCORE', 'VALUE', 'SOURCE', 'SPAN'], detail.scores.map((score) => [score.name, score.label ?? String(score.value), score.source, score.spanId ?? '-'])));
  }
}

export function registerTracesCommand(program: Command, context: ContextFactory): void {
  const traces = program.command('traces').description('LLM traces received over OTLP');
  traces
    .command('list')
    .description('Traces in a time window, newest first (default: the last 24 hours)')
    .option('--since <duration>', 'window ending now, e.g. 30m, 24h, 7d', '24h')
    .option('--from <time>', 'window start (ISO 8601 or epoch ms)')
    .option('--to <time>', 'window end (ISO 8601 or epoch ms)')
    .option('--model <model>', 'traces with a span on this model')
    .option('--user <id>', 'user id')
    .option('--session <id>', 'session id')
    .option('--status <status>', 'ok, error or unset')
    .option('--tag <tag>', 'tag')
    .option('--name <name>', 'trace name')
    .option('--min-latency <ms>', 'at least this many milliseconds')
    .option('--min-cost <usd>', 'at least this cost in USD')
    .option('--text <text>', 'text in any input or output')
    .option('--limit <n>', 'most traces to show', '50')
    .option('--json', 'print JSON')
    .action(async (options: ListOptions, command: Command) => listTraces(await context(command), options));
  traces
    .command('get <traceId>')
    .description('One trace as a span tree with timings')
    .option('--json', 'print JSON')
    .action(async (traceId: string, options: { json?: boolean }, command: Command) => getTrace(await context(command), traceId, options));
}
