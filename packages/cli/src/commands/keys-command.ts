import { type Command, Option } from 'commander';
import { type Role, roles } from '@keel/spec';
import type { CommandContext, ContextFactory } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';
import { formatTime } from '../format-values.ts';
import { writeJson } from '../write-json.ts';

interface CreateKeyOptions {
  role: Role;
  name?: string;
  json?: boolean;
}

export async function createKey({ client, stdout }: CommandContext, options: CreateKeyOptions): Promise<void> {
  const created = await client.keys.create({ role: options.role, name: options.name });
  if (options.json === true) return writeJson(stdout, created);
  const { key } = created;
  stdout.write(
    [
      `Created ${key.role} key '${key.name}' (id ${key.id}) in project ${key.projectName}.`,
      'Secret; it will not be shown again, so store it now:',
      `  ${created.secret}`,
      '',
    ].join('\n'),
  );
}

export async function listKeys({ client, stdout }: CommandContext, options: { all?: boolean; json?: boolean }): Promise<void> {
  const keys = await client.keys.list({ all: options.all === true });
  if (options.json === true) return writeJson(stdout, keys);
  stdout.write(
    formatTable(
      ['ID', 'NAME', 'PROJECT', 'ROLE', 'PREFIX', 'CREATED', 'REVOKED'],
      keys.map((key) => [key.id, key.name, key.projectName, key.superuser ? `${key.role} (instance)` : key.role, key.prefix, formatTime(key.createdAt), formatTime(key.revokedAt)]),
    ),
  );
}

export async function revokeKey({ client, stdout }: CommandContext, keyId: string): Promise<void> {
  await client.keys.revoke(keyId);
  stdout.write(`Revoked key ${keyId}.\n`);
}

export function registerKeysCommand(program: Command, context: ContextFactory): void {
  const keys = program.command('keys').description('API keys of a project (admin role; --project picks the project with the instance key)');
  keys
    .command('create')
    .description('Create an API key; its secret is printed once')
    .addOption(new Option('--role <role>', 'what the key may do').choices(roles).makeOptionMandatory())
    .option('--name <name>', 'a label for the key')
    .option('--json', 'print JSON (includes the secret)')
    .action(async (options: CreateKeyOptions, command: Command) => createKey(await context(command), options));
  keys
    .command('list')
    .description('API keys of the project')
    .option('--all', 'keys of every project (instance administrator key)')
    .option('--json', 'print JSON')
    .action(async (options: { all?: boolean; json?: boolean }, command: Command) => listKeys(await context(command), options));
  keys
    .command('revoke <id>')
    .description('Revoke an API key at once')
    .action(async (keyId: string, _options: unknown, command: Command) => revokeKey(await context(command), keyId));
}
