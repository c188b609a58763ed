import type { Command } from 'commander';
import type { Experiment } from '@keel/sdk';
import type { CommandContext, ContextFactory } from '../cli-context.ts';
import { collectPages } from '../collect-pages.ts';
import { formatTable } from '../format-table.ts';
import { formatTime } from '../format-values.ts';
import { writeJson } from '../write-json.ts';

interface ListExperimentsOptions {
  filter?: string;
  deleted?: boolean;
  json?: boolean;
}

export async function listExperiments({ client, stdout }: CommandContext, options: ListExperimentsOptions): Promise<void> {
  const experiments = await collectPages((pageToken, maxResults) =>
    client.experiments.search({ filter: options.filter, viewType: options.deleted === true ? 'ALL' : 'ACTIVE_ONLY', maxResults, ...(pageToken === undefined ? {} : { pageToken }) }),
  );
  if (options.json === true) return writeJson(stdout, experiments);
  stdout.write(
    formatTable(
      ['ID', 'NAME', 'STAGE', 'CREATED'],
      experiments.map((experiment) => [experiment.experimentId, experiment.name, experiment.lifecycleStage, formatTime(experiment.creationTime)]),
      { alignRight: [0] },
    ),
  );
}

export async function createExperiment({ client, stdout }: CommandContext, name: string, options: { json?: boolean }): Promise<void> {
  const experiment = await client.experiments.create({ name });
  if (options.json === true) return writeJson(stdout, experiment);
  stdout.write(`Created experiment ${experiment.name} (id ${experiment.experimentId}).\n`);
}

/** An experiment named by id or by name; a name made of digits is tried as an id first. */
export async function findExperiment(context: CommandContext, reference: string): Promise<Experiment> {
  if (/^\d+$/.test(reference)) {
    try {
      return await context.client.experiments.get(reference);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'RESOURCE_DOES_NOT_EXIST') throw error;
    }
  }
  return context.client.experiments.getByName(reference);
}

export function registerExperimentsCommand(program: Command, context: ContextFactory): void {
  const experiments = program.command('experiments').description('Experiments of the project');
  experiments
    .command('list')
    .description('List experiments')
    .option('--filter <filter>', "MLflow filter, e.g. \"name LIKE 'fraud%'\"")
    .option('--deleted', 'include deleted experiments')
    .option('--json', 'print JSON')
    .action(async (options: ListExperimentsOptions, command: Command) => listExperiments(await context(command), options));
  experiments
    .command('create <name>')
    .description('Create an experiment')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => createExperiment(await context(command), name, options));
}
