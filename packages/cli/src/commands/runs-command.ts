import type { Command } from 'commander';
import type { Run } from '@keel/sdk';
import { KeelError } from '@keel/spec';
import { buildRunComparison, type ComparedValue } from '../build-run-comparison.ts';
import type { CommandContext, ContextFactory } from '../cli-context.ts';
import { collectPages } from '../collect-pages.ts';
import { formatTable } from '../format-table.ts';
import { formatDuration, formatNumber, formatTime } from '../format-values.ts';
import { parsePositiveInt } from '../parse-positive-int.ts';
import { writeJson } from '../write-json.ts';
import { findExperiment } from './experiments-command.ts';

interface ListRunsOptions {
  experiment?: string;
  filter?: string;
  orderBy?: string[];
  max?: number;
  json?: boolean;
}

const summaryWidth = 60;

function metricSummary(run: Run): string {
  const text = [...run.data.metrics]
    .sort((left, right) => left.key.localeCompare(right.key))
    .map((metric) => `${metric.key}=${formatNumber(metric.value)}`)
    .join(' ');
  return text.length > summaryWidth ? `${text.slice(0, summaryWidth - 3)}...` : text;
}

const duration = (run: Run): string => formatDuration(run.info.endTime === null ? null : run.info.endTime - run.info.startTime);

export async function listRuns(context: CommandContext, options: ListRunsOptions): Promise<void> {
  const { client, stdout } = context;
  const experimentIds =
    options.experiment === undefined
      ? (await collectPages((pageToken, maxResults) => client.experiments.search({ maxResults, ...(pageToken === undefined ? {} : { pageToken }) }))).map((experiment) => experiment.experimentId)
      : [(await findExperiment(context, options.experiment)).experimentId];
  const runs =
    experimentIds.length === 0
      ? []
      : await collectPages(
          (pageToken, maxResults) => client.runs.search({ experimentIds, filter: options.filter, orderBy: options.orderBy, maxResults, ...(pageToken === undefined ? {} : { pageToken }) }),
          options.max,
        );
  if (options.json === true) return writeJson(stdout, runs);
  stdout.write(
    formatTable(
      ['RUN ID', 'EXPERIMENT', 'NAME', 'STATUS', 'STARTED', 'DURATION', 'METRICS'],
      runs.map((run) => [run.info.runId, run.info.experimentId, run.info.runName, run.info.status, formatTime(run.info.startTime), duration(run), metricSummary(run)]),
    ),
  );
}

export async function getRun({ client, stdout }: CommandContext, runId: string, options: { json?: boolean }): Promise<void> {
  const run = await client.runs.get(runId);
  if (options.json === true) return writeJson(stdout, run);
  const { info, data } = run;
  const sections = [
    formatTable(
      ['FIELD', 'VALUE'],
      [
        ['run id', info.runId],
        ['name', info.runName],
        ['experiment', info.experimentId],
        ['status', info.status],
        ['stage', info.lifecycleStage],
        ['started', formatTime(info.startTime)],
        ['ended', formatTime(info.endTime)],
        ['duration', duration(run)],
        ['artifacts', info.artifactUri],
      ],
    ),
  ];
  const sorted = <T extends { key: string }>(items: readonly T[]) => [...items].sort((left, right) => left.key.localeCompare(right.key));
  if (data.params.length > 0) sections.push(formatTable(['PARAM', 'VALUE'], sorted(data.params).map((param) => [param.key, param.value])));
  if (data.metrics.length > 0) {
    sections.push(formatTable(['METRIC', 'VALUE', 'STEP', 'TIMESTAMP'], sorted(data.metrics).map((metric) => [metric.key, formatNumber(metric.value), String(metric.step), formatTime(metric.timestamp)]), { alignRight: [1, 2] }));
  }
  if (data.tags.length > 0) sections.push(formatTable(['TAG', 'VALUE'], sorted(data.tags).map((tag) => [tag.key, tag.value])));
  stdout.write(sections.join('\n'));
}

const showValue = (value: ComparedValue): string => (value === null ? '-' : typeof value === 'number' ? formatNumber(value) : value);

export async function compareRuns({ client, stdout }: CommandContext, runIds: readonly string[], options: { json?: boolean; diffOnly?: boolean }): Promise<void> {
  if (runIds.length < 2) throw new KeelError('INVALID_PARAMETER_VALUE', 'Give at least two run ids to compare');
  const runs = await Promise.all(runIds.map((runId) => client.runs.get(runId)));
  const rows = buildRunComparison(runs).filter((row) => options.diffOnly !== true || row.differs);
  if (options.json === true) {
    return writeJson(stdout, { runs: runs.map((run) => ({ runId: run.info.runId, runName: run.info.runName })), rows });
  }
  // Names label the columns; where two runs share a name, the id's start tells them apart.
  const names = runs.map((run) => run.info.runName);
  const labels = runs.map((run) => (names.filter((name) => name === run.info.runName).length > 1 ? `${run.info.runName} (${run.info.runId.slice(0, 8)})` : run.info.runName));
  stdout.write(
    formatTable(
      ['', 'KEY', ...labels],
      [['', 'run_id', ...runs.map((run) => run.info.runId)], ...rows.map((row) => [row.differs ? '*' : '', row.key, ...row.values.map(showValue)])],
    ),
  );
  const differing = rows.filter((row) => row.differs).length;
  stdout.write(`\n${differing} of ${rows.length} rows differ (marked *).\n`);
}

export function registerRunsCommand(program: Command, context: ContextFactory): void {
  const runs = program.command('runs').description('Runs: list, inspect, compare');
  runs
    .command('list')
    .description('List runs, newest first unless --order-by says otherwise')
    .option('--experiment <idOrName>', 'experiment id or name (default: every active experiment)')
    .option('--filter <filter>', "MLflow filter, e.g. \"metrics.auc > 0.9 and params.model = 'xgb'\"")
    .option('--order-by <clause...>', "e.g. 'metrics.auc DESC' 'start_time'")
    .option('--max <n>', 'at most this many runs', parsePositiveInt)
    .option('--json', 'print JSON')
    .action(async (options: ListRunsOptions, command: Command) => listRuns(await context(command), options));
  runs
    .command('get <runId>')
    .description('A run with its params, latest metrics and tags')
    .option('--json', 'print JSON')
    .action(async (runId: string, options: { json?: boolean }, command: Command) => getRun(await context(command), runId, options));
  runs
    .command('compare <runIds...>')
    .description('Params and metrics of runs side by side; rows that differ are marked *')
    .option('--diff-only', 'only the rows that differ')
    .option('--json', 'print JSON')
    .action(async (runIds: string[], options: { json?: boolean; diffOnly?: boolean }, command: Command) => compareRuns(await context(command), runIds, options));
}
