import type { Command } from 'commander';
import type { CommandContext, ContextFactory } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';
import { formatTime } from '../format-values.ts';
import { writeJson } from '../write-json.ts';

interface JsonFlag {
  json?: boolean;
}

export async function listProjects({ client, stdout }: CommandContext, options: JsonFlag): Promise<void> {
  const projects = await client.projects.list();
  if (options.json === true) return writeJson(stdout, projects);
  stdout.write(formatTable(['ID', 'NAME', 'CREATED'], projects.map((project) => [String(project.id), project.name, formatTime(project.createdAt)]), { alignRight: [0] }));
}

export async function createProject({ client, stdout }: CommandContext, name: string, options: JsonFlag): Promise<void> {
  const created = await client.projects.create(name);
  if (options.json === true) return writeJson(stdout, created);
  stdout.write(
    [
      `Created project ${created.project.name} (id ${created.project.id}) with an admin key (id ${created.adminKey.key.id}).`,
      'Admin key secret; it will not be shown again, so store it now:',
      `  ${created.adminKey.secret}`,
      '',
    ].join('\n'),
  );
}

export function registerProjectsCommand(program: Command, context: ContextFactory): void {
  const projects = program.command('projects').description('Projects (creating one needs the instance administrator key)');
  projects
    .command('list')
    .description('Projects this key can see')
    .option('--json', 'print JSON')
    .action(async (options: JsonFlag, command: Command) => listProjects(await context(command), options));
  projects
    .command('create <name>')
    .description('Create a project and its first admin key')
    .option('--json', 'print JSON (includes the secret)')
    .action(async (name: string, options: JsonFlag, command: Command) => createProject(await context(command), name, options));
}
