import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { type GatewayUsageGroup, gatewayUsageGroups, KeelError } from '@keel/spec';
import type { GatewayConfigInput } from '@keel/sdk';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import type { CommandContext, ContextFactory } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';
import { formatTime } from '../format-values.ts';
import { parsePositiveInt } from '../parse-positive-int.ts';
import { writeJson } from '../write-json.ts';
import { formatCost } from './traces-command.ts';

export async function getGatewayConfig({ client, stdout }: CommandContext, options: { json?: boolean }): Promise<void> {
  const answer = await client.gateway.getConfig();
  if (options.json === true) return writeJson(stdout, answer);
  const origin = answer.source === 'file' ? `managed by ${answer.file ?? 'the config file'}` : answer.source === 'none' ? 'not configured yet' : `version ${answer.version}`;
  stdout.write(`# Gateway configuration of project ${client.project ?? '(this key\'s project)'}: ${origin}\n${toYaml(answer.config)}`);
}

/** A gateway document from a .yaml/.yml/.json file: the part under projects.<name>.gateway in keel.config.yaml. */
async function readGatewayFile(file: string, cwd: string): Promise<GatewayConfigInput> {
  const absolute = path.resolve(cwd, file);
  const text = await readFile(absolute, 'utf8').catch((error: unknown) => {
    throw new KeelError('INVALID_PARAMETER_VALUE', `Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  });
  let data: unknown;
  try {
    data = absolute.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new KeelError('INVALID_PARAMETER_VALUE', `${file} cannot be parsed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new KeelError('INVALID_PARAMETER_VALUE', `${file} must hold one gateway document (providers, models, keys, ...)`);
  // The server validates the document and names any bad field.
  return data as GatewayConfigInput;
}

export async function putGatewayConfig({ client, stdout, cwd }: CommandContext, file: string, options: { expectedVersion?: string }): Promise<void> {
  const document = await readGatewayFile(file, cwd);
  const expectedVersion = options.expectedVersion === undefined ? undefined : Number.parseInt(options.expectedVersion, 10);
  if (expectedVersion !== undefined && !(Number.isSafeInteger(expectedVersion) && expectedVersion >= 0)) throw new KeelError('INVALID_PARAMETER_VALUE', '--expected-version must be a whole number');
  const answer = await client.gateway.putConfig(document, expectedVersion === undefined ? {} : { expectedVersion });
  stdout.write(`Stored gateway configuration version ${answer.version}: ${answer.config.providers.length} providers, ${answer.config.models.length} models, ${answer.config.keys.length} keys.\n`);
}

interface CreateKeyOptions {
  models?: string;
  rpm?: string;
  tpm?: string;
  budgetDay?: string;
  budgetMonth?: string;
  json?: boolean;
}

const usdAmount = (text: string, flag: string): number => {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new KeelError('INVALID_PARAMETER_VALUE', `${flag} must be a positive amount of USD`);
  return value;
};

export async function createGatewayKey({ client, stdout }: CommandContext, name: string, options: CreateKeyOptions): Promise<void> {
  const limits = {
    ...(options.rpm === undefined ? {} : { rpm: parsePositiveInt(options.rpm) }),
    ...(options.tpm === undefined ? {} : { tpm: parsePositiveInt(options.tpm) }),
    ...(options.budgetDay === undefined ? {} : { budget_usd_day: usdAmount(options.budgetDay, '--budget-day') }),
    ...(options.budgetMonth === undefined ? {} : { budget_usd_month: usdAmount(options.budgetMonth, '--budget-month') }),
  };
  const models = options.models?.split(',').map((model) => model.trim()).filter((model) => model !== '');
  const created = await client.gateway.createKey({ name, ...(models === undefined ? {} : { models }), ...(Object.keys(limits).length === 0 ? {} : { limits }) });
  if (options.json === true) return writeJson(stdout, created);
  stdout.write(`Created virtual key '${created.key.name}'.\nSecret; it will not be shown again, so store it now:\n  ${created.secret}\n`);
}

const describeLimits = (limits: { rpm?: number | undefined; tpm?: number | undefined; budget_usd_day?: number | undefined; budget_usd_month?: number | undefined } | undefined): string => {
  if (limits === undefined) return '-';
  const parts = [
    limits.rpm === undefined ? '' : `${limits.rpm} rpm`,
    limits.tpm === undefined ? '' : `${limits.tpm} tpm`,
    limits.budget_usd_day === undefined ? '' : `$${limits.budget_usd_day}/day`,
    limits.budget_usd_month === undefined ? '' : `$${limits.budget_usd_month}/month`,
  ].filter((part) => part !== '');
  return parts.length === 0 ? '-' : parts.join(', ');
};

export async function listGatewayKeys({ client, stdout }: CommandContext, options: { json?: boolean }): Promise<void> {
  const keys = await client.gateway.listKeys();
  if (options.json === true) return writeJson(stdout, keys);
  if (keys.length === 0) {
    stdout.write('No virtual keys.\n');
    return;
  }
  stdout.write(
    formatTable(
      ['NAME', 'SOURCE', 'PREFIX', 'MODELS', 'LIMITS', 'CREATED', 'REVOKED'],
      keys.map((key) => [
        key.name, key.source, key.prefix ?? '-', key.models?.join(',') ?? 'all', describeLimits(key.limits),
        key.created_at === null ? '-' : formatTime(key.created_at), key.revoked_at === null ? '-' : formatTime(key.revoked_at),
      ]),
    ),
  );
}

export async function revokeGatewayKey({ client, stdout }: CommandContext, name: string): Promise<void> {
  await client.gateway.revokeKey(name);
  stdout.write(`Revoked virtual key '${name}'.\n`);
}

interface UsageOptions {
  from?: string;
  to?: string;
  by?: string;
  key?: string;
  model?: string;
  json?: boolean;
}

export async function showGatewayUsage({ client, stdout }: CommandContext, options: UsageOptions): Promise<void> {
  const groupBy = (options.by ?? 'day').split(',').map((part) => part.trim()).filter((part) => part !== '');
  for (const group of groupBy) {
    if (!(gatewayUsageGroups as readonly string[]).includes(group)) throw new KeelError('INVALID_PARAMETER_VALUE', `--by takes day, key and model, not '${group}'`);
  }
  const answer = await client.gateway.usage({ from: options.from, to: options.to, groupBy: groupBy as GatewayUsageGroup[], key: options.key, model: options.model } as Parameters<typeof client.gateway.usage>[0]);
  if (options.json === true) return writeJson(stdout, answer);
  if (answer.rows.length === 0) {
    stdout.write(`No gateway usage from ${answer.from} to ${answer.to}.\n`);
    return;
  }
  const dimensions = answer.group_by;
  const titles: Record<GatewayUsageGroup, string> = { day: 'DAY', key: 'KEY', model: 'MODEL' };
  const figures = (row: (typeof answer.rows)[number] | typeof answer.totals) => [
    String(row.requests), String(row.errors), String(row.cache_hits), String(row.input_tokens), String(row.output_tokens), formatCost(row.cost_usd), row.estimated_requests === 0 ? '' : `${row.estimated_requests} estimated`,
  ];
  const rows = answer.rows.map((row) => [...dimensions.map((dimension) => (dimension === 'key' ? (row.key === '' ? '(project key)' : (row.key ?? '')) : (row[dimension] ?? ''))), ...figures(row)]);
  if (answer.rows.length > 1) rows.push([...dimensions.map((_, index) => (index === 0 ? 'TOTAL' : '')), ...figures(answer.totals)]);
  const offset = dimensions.length;
  stdout.write(
    formatTable([...dimensions.map((dimension) => titles[dimension]), 'REQUESTS', 'ERRORS', 'CACHE HITS', 'INPUT TOKENS', 'OUTPUT TOKENS', 'COST', 'NOTE'], rows, {
      alignRight: [offset, offset + 1, offset + 2, offset + 3, offset + 4, offset + 5],
    }),
  );
}

export function registerGatewayCommand(program: Command, context: ContextFactory): void {
  const gateway = program.command('gateway').description('LLM gateway: configuration, virtual keys, usage');
  const config = gateway.command('config').description("The project's gateway configuration");
  config
    .command('get')
    .description('Print the configuration as YAML (credentials redacted)')
    .option('--json', 'print JSON, with source and version')
    .action(async (options: { json?: boolean }, command: Command) => getGatewayConfig(await context(command), options));
  config
    .command('put <file>')
    .description('Replace the configuration with a YAML or JSON document (providers, models, keys, limits, cache)')
    .option('--expected-version <n>', 'refuse the write unless the stored version is this one')
    .action(async (file: string, options: { expectedVersion?: string }, command: Command) => putGatewayConfig(await context(command), file, options));
  const keys = gateway.command('keys').description('Virtual keys that clients send to the gateway');
  keys
    .command('create <name>')
    .description('Issue a virtual key; its secret is shown once')
    .option('--models <list>', 'comma-separated models the key may call (default: all)')
    .option('--rpm <n>', 'requests per minute')
    .option('--tpm <n>', 'tokens per minute')
    .option('--budget-day <usd>', 'USD per day')
    .option('--budget-month <usd>', 'USD per month')
    .option('--json', 'print JSON')
    .action(async (name: string, options: CreateKeyOptions, command: Command) => createGatewayKey(await context(command), name, options));
  keys
    .command('list')
    .description('Virtual keys of the project, with their models and limits')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => listGatewayKeys(await context(command), options));
  keys
    .command('revoke <name>')
    .description('Revoke the live virtual key of that name')
    .action(async (name: string, _options: unknown, command: Command) => revokeGatewayKey(await context(command), name));
  gateway
    .command('usage')
    .description('Requests, tokens and cost by day, key and model (default: the last 30 days, by day)')
    .option('--from <day>', 'first UTC day, YYYY-MM-DD')
    .option('--to <day>', 'last UTC day, YYYY-MM-DD')
    .option('--by <dimensions>', 'comma-separated: day, key, model', 'day')
    .option('--key <name>', 'only this virtual key')
    .option('--model <name>', 'only this model')
    .option('--json', 'print JSON')
    .action(async (options: UsageOptions, command: Command) => showGatewayUsage(await context(command), options));
}
