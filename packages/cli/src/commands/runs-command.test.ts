import { type KeelClient, createKeelClient } from '@keel/sdk';
import { type TestServer, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureCli } from '../capture-cli.ts';

let server: TestServer;
let client: KeelClient;
let env: Record<string, string>;
let experimentId: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  env = { KEEL_URL: server.url, KEEL_API_KEY: server.adminKey };
  client = createKeelClient({ baseUrl: server.url, apiKey: server.adminKey });
  experimentId = (await client.experiments.create({ name: 'fraud' })).experimentId;
  const seed = async (runName: string, startTime: number, params: Record<string, string>, metrics: Record<string, number>) => {
    const run = await client.runs.create({ experimentId, runName, startTime });
    await client.runs.logBatch(run.info.runId, { params, metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: startTime, step: 0 })) });
    ids[runName] = run.info.runId;
    return run.info.runId;
  };
  await seed('baseline', 1_700_000_000_000, { model: 'logreg', depth: '1' }, { auc: 0.81, loss: 0.5 });
  await seed('xgb-deep', 1_700_000_100_000, { model: 'xgb', depth: '8' }, { auc: 0.93, loss: Number.NaN });
  await seed('xgb-shallow', 1_700_000_200_000, { model: 'xgb', depth: '1' }, { auc: 0.9, f1: 0.7 });
  await client.runs.update(ids.baseline ?? '', { status: 'FINISHED', endTime: 1_700_000_065_000 });
});
afterAll(async () => {
  await server.close();
});

describe('keel runs', () => {
  it('lists runs of an experiment by name as an aligned table', async () => {
    const result = await captureCli(['runs', 'list', '--experiment', 'fraud'], { env });
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.replace(/\s+/g, ' '))).toEqual([
      'RUN ID EXPERIMENT NAME STATUS STARTED DURATION METRICS',
      `${ids['xgb-shallow']} ${experimentId} xgb-shallow RUNNING 2023-11-14T22:16:40Z - auc=0.9 f1=0.7`,
      `${ids['xgb-deep']} ${experimentId} xgb-deep RUNNING 2023-11-14T22:15:00Z - auc=0.93 loss=NaN`,
      `${ids.baseline} ${experimentId} baseline FINISHED 2023-11-14T22:13:20Z 1m05s auc=0.81 loss=0.5`,
    ]);
    // Columns line up: each header starts where its values start.
    const nameColumn = lines[0]?.indexOf('NAME');
    for (const line of lines.slice(1)) expect(line.indexOf(line.includes('baseline') ? 'baseline' : 'xgb')).toBe(nameColumn);
  });

  it('filters, orders and limits, by experiment id, as JSON', async () => {
    const ordered = await captureCli(['runs', 'list', '--experiment', experimentId, '--filter', "params.model = 'xgb'", '--order-by', 'metrics.auc ASC', '--json'], { env });
    const runs = JSON.parse(ordered.stdout) as { info: { runName: string }; data: { metrics: { key: string; value: number | string }[] } }[];
    expect(runs.map((run) => run.info.runName)).toEqual(['xgb-shallow', 'xgb-deep']);
    // NaN survives JSON output the way the API writes it.
    expect(runs[1]?.data.metrics.find((metric) => metric.key === 'loss')?.value).toBe('NaN');

    const limited = await captureCli(['runs', 'list', '--experiment', 'fraud', '--order-by', 'metrics.auc DESC', '--max', '1', '--json'], { env });
    expect((JSON.parse(limited.stdout) as { info: { runName: string } }[]).map((run) => run.info.runName)).toEqual(['xgb-deep']);
  });

  it('shows one run with its params, metrics and tags', async () => {
    const result = await captureCli(['runs', 'get', ids.baseline ?? ''], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`run id      ${ids.baseline}\n`);
    expect(result.stdout).toContain('status      FINISHED\n');
    expect(result.stdout).toContain('duration    1m05s\n');
    expect(result.stdout).toContain(['PARAM  VALUE', 'depth  1', 'model  logreg', ''].join('\n'));
    expect(result.stdout).toContain(['METRIC  VALUE  STEP  TIMESTAMP', 'auc      0.81     0  2023-11-14T22:13:20Z', 'loss      0.5     0  2023-11-14T22:13:20Z', ''].join('\n'));
    const json = JSON.parse((await captureCli(['runs', 'get', ids.baseline ?? '', '--json'], { env })).stdout) as { info: { runId: string } };
    expect(json.info.runId).toBe(ids.baseline);
  });

  it('compares runs side by side and marks the rows that differ', async () => {
    const result = await captureCli(['runs', 'compare', ids.baseline ?? '', ids['xgb-deep'] ?? '', ids['xgb-shallow'] ?? ''], { env });
    expect(result.stderr).toBe('');
    const idWidth = 32;
    const pad = (text: string) => text.padEnd(idWidth);
    expect(result.stdout).toBe(
      [
        `   KEY           ${pad('baseline')}  ${pad('xgb-deep')}  xgb-shallow`,
        `   run_id        ${ids.baseline}  ${ids['xgb-deep']}  ${ids['xgb-shallow']}`,
        `*  status        ${pad('FINISHED')}  ${pad('RUNNING')}  RUNNING`,
        `*  params.depth  ${pad('1')}  ${pad('8')}  1`,
        `*  params.model  ${pad('logreg')}  ${pad('xgb')}  xgb`,
        `*  metrics.auc   ${pad('0.81')}  ${pad('0.93')}  0.9`,
        `*  metrics.f1    ${pad('-')}  ${pad('-')}  0.7`,
        `*  metrics.loss  ${pad('0.5')}  ${pad('NaN')}  -`,
        '',
        '6 of 6 rows differ (marked *).',
        '',
      ].join('\n'),
    );
  });

  it('keeps rows that agree unmarked, and --diff-only drops them', async () => {
    const both = [ids['xgb-deep'] ?? '', ids['xgb-shallow'] ?? ''];
    const result = await captureCli(['runs', 'compare', ...both], { env });
    const rows = result.stdout.split('\n');
    expect(rows.find((row) => row.includes('params.model'))).toMatch(/^ {3}params\.model\s+xgb\s+xgb$/);
    expect(rows.find((row) => row.includes('status'))).toMatch(/^ {3}status\s+RUNNING\s+RUNNING$/);
    expect(rows.find((row) => row.includes('params.depth'))).toMatch(/^\* {2}params\.depth\s+8\s+1$/);

    const json = JSON.parse((await captureCli(['runs', 'compare', ...both, '--diff-only', '--json'], { env })).stdout) as { rows: { key: string; values: unknown[]; differs: boolean }[] };
    expect(json.rows).toEqual([
      { key: 'params.depth', values: ['8', '1'], differs: true },
      { key: 'metrics.auc', values: [0.93, 0.9], differs: true },
      { key: 'metrics.f1', values: [null, 0.7], differs: true },
      { key: 'metrics.loss', values: ['NaN', null], differs: true },
    ]);
  });

  it('needs two runs to compare', async () => {
    const result = await captureCli(['runs', 'compare', ids.baseline ?? ''], { env });
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'keel: INVALID_PARAMETER_VALUE: Give at least two run ids to compare\n' });
  });
});
