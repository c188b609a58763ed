import type { Command } from 'commander';
import { KeelError } from '@keel/spec';
import type { CommandContext, ContextFactory } from '../cli-context.ts';
import { collectPages } from '../collect-pages.ts';
import { formatTable } from '../format-table.ts';
import { formatTime } from '../format-values.ts';
import { writeJson } from '../write-json.ts';

export async function listModels({ client, stdout }: CommandContext, options: { filter?: string; json?: boolean }): Promise<void> {
  const models = await collectPages((pageToken, maxResults) => client.registry.searchModels({ filter: options.filter, maxResults, ...(pageToken === undefined ? {} : { pageToken }) }));
  if (options.json === true) return writeJson(stdout, models);
  stdout.write(
    formatTable(
      ['NAME', 'LATEST', 'ALIASES', 'UPDATED', 'DESCRIPTION'],
      models.map((model) => {
        const latest = model.latestVersions.map((version) => Number(version.version)).reduce((max, version) => Math.max(max, version), 0);
        return [model.name, latest === 0 ? '-' : String(latest), model.aliases.map((alias) => `${alias.alias}=v${alias.version}`).join(' '), formatTime(model.lastUpdatedTimestamp), model.description];
      }),
    ),
  );
}

export async function getModel({ client, stdout }: CommandContext, name: string, options: { json?: boolean }): Promise<void> {
  const model = await client.registry.getModel(name);
  const versions = await collectPages((pageToken, maxResults) => client.registry.listVersions(name, { maxResults, ...(pageToken === undefined ? {} : { pageToken }) }));
  if (options.json === true) return writeJson(stdout, { model, versions });
  const header = formatTable(
    ['MODEL', model.name],
    [
      ['description', model.description === '' ? '-' : model.description],
      ['aliases', model.aliases.length === 0 ? '-' : model.aliases.map((alias) => `${alias.alias} -> v${alias.version}`).join(', ')],
      ['created', formatTime(model.creationTimestamp)],
      ['updated', formatTime(model.lastUpdatedTimestamp)],
    ],
  );
  const table = formatTable(
    ['VERSION', 'ALIASES', 'STATUS', 'RUN ID', 'SOURCE', 'CREATED'],
    versions.map((version) => [version.version, version.aliases.join(' '), version.status, version.runId === '' ? '-' : version.runId, version.source, formatTime(version.creationTimestamp)]),
    { alignRight: [0] },
  );
  stdout.write(`${header}\n${versions.length === 0 ? 'No versions yet.\n' : table}`);
}

export async function setModelAlias(
  { client, stdout }: CommandContext,
  name: string,
  alias: string,
  version: string | undefined,
  options: { delete?: boolean; json?: boolean },
): Promise<void> {
  if (options.delete === true) {
    if (version !== undefined) throw new KeelError('INVALID_PARAMETER_VALUE', 'Give a version to point the alias at, or --delete, not both');
    await client.registry.deleteAlias(name, alias);
    if (options.json === true) return writeJson(stdout, { deleted: alias, model: name });
    stdout.write(`Deleted alias ${alias} of ${name}.\n`);
    return;
  }
  if (version === undefined) throw new KeelError('INVALID_PARAMETER_VALUE', `Give the version for ${name}@${alias}, or --delete to remove the alias`);
  const target = await client.registry.setAlias(name, alias, version);
  if (options.json === true) return writeJson(stdout, target);
  stdout.write(`${name}@${alias} now points to version ${target.version}.\n`);
}

export function registerModelsCommand(program: Command, context: ContextFactory): void {
  const models = program.command('models').description('The model registry');
  models
    .command('list')
    .description('Registered models')
    .option('--filter <filter>', "MLflow filter, e.g. \"name LIKE 'fraud%'\"")
    .option('--json', 'print JSON')
    .action(async (options: { filter?: string; json?: boolean }, command: Command) => listModels(await context(command), options));
  models
    .command('get <name>')
    .description('A model with its versions and aliases')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => getModel(await context(command), name, options));
  models
    .command('alias <name> <alias> [version]')
    .description('Point an alias at a version (deploy or roll back), or remove it with --delete')
    .option('--delete', 'remove the alias')
    .option('--json', 'print JSON')
    .action(async (name: string, alias: string, version: string | undefined, options: { delete?: boolean; json?: boolean }, command: Command) =>
      setModelAlias(await context(command), name, alias, version, options),
    );
}
