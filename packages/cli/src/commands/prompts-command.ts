import { type Command, InvalidArgumentError } from 'commander';
import type { CreatePromptInput, Prompt } from '@keel/sdk';
import type { CommandContext, ContextFactory } from '../cli-context.ts';
import { collectPages } from '../collect-pages.ts';
import { formatTable } from '../format-table.ts';
import { formatTime } from '../format-values.ts';
import { parsePositiveInt } from '../parse-positive-int.ts';
import { readPromptFile } from '../read-prompt-file.ts';
import { writeJson } from '../write-json.ts';

interface PushOptions {
  file: string;
  type?: 'text' | 'chat';
  label?: string[];
  message?: string;
  author?: string;
  json?: boolean;
}

export async function pushPrompt({ client, stdout, cwd }: CommandContext, name: string, options: PushOptions): Promise<void> {
  const file = await readPromptFile(options.file, cwd, options.type);
  const details = { name, variables: file.variables, labels: options.label, commitMessage: options.message, authorName: options.author, ...(file.config === undefined ? {} : { config: file.config }) };
  const input: CreatePromptInput = file.content.type === 'text' ? { ...details, type: 'text', template: file.content.template } : { ...details, type: 'chat', messages: file.content.messages };
  const created = await client.prompts.create(input);
  if (options.json === true) return writeJson(stdout, created);
  const labels = created.labels.filter((label) => label !== 'latest');
  stdout.write(`Created ${name} version ${created.version}${labels.length === 0 ? '' : ` (${labels.join(', ')})`}.\n`);
}

function describePrompt(prompt: Prompt): string {
  const header = formatTable(
    ['PROMPT', `${prompt.name} v${prompt.version}`],
    [
      ['type', prompt.type],
      ['labels', prompt.labels.join(', ') || '-'],
      ['variables', prompt.variables.join(', ') || '-'],
      ['config', Object.keys(prompt.config).length === 0 ? '-' : JSON.stringify(prompt.config)],
      ['message', prompt.commitMessage === '' ? '-' : prompt.commitMessage],
      ['created', `${formatTime(prompt.createdAt)} by ${prompt.authorName === '' ? prompt.createdBy : prompt.authorName}`],
    ],
  );
  const body = prompt.type === 'text' ? prompt.template : prompt.messages.map((message) => `[${message.role}]\n${message.content}`).join('\n\n');
  return `${header}\n${body}${body.endsWith('\n') ? '' : '\n'}`;
}

export async function getPrompt({ client, stdout }: CommandContext, name: string, options: { label?: string; version?: number; json?: boolean }): Promise<void> {
  // A command line wants what the server has now, never a cached copy.
  const prompt = await client.prompts.get(name, { ...(options.label === undefined ? {} : { label: options.label }), ...(options.version === undefined ? {} : { version: options.version }), cacheTtlMs: 0 });
  if (options.json === true) return writeJson(stdout, prompt);
  stdout.write(describePrompt(prompt));
}

export async function listPrompts({ client, stdout }: CommandContext, options: { json?: boolean }): Promise<void> {
  const prompts = await collectPages((pageToken, maxResults) => client.prompts.list({ maxResults, ...(pageToken === undefined ? {} : { pageToken }) }));
  if (options.json === true) return writeJson(stdout, prompts);
  if (prompts.length === 0) {
    stdout.write('No prompts yet.\n');
    return;
  }
  stdout.write(
    formatTable(
      ['NAME', 'TYPE', 'LATEST', 'LABELS', 'UPDATED'],
      prompts.map((prompt) => [prompt.name, prompt.type, String(prompt.latestVersion), prompt.labels.map((label) => `${label.label}=v${label.version}`).join(' '), formatTime(prompt.updatedAt)]),
    ),
  );
}

export async function labelPrompt({ client, stdout }: CommandContext, name: string, label: string, version: number, options: { json?: boolean }): Promise<void> {
  const moved = await client.prompts.setLabel(name, label, version);
  if (options.json === true) return writeJson(stdout, moved);
  stdout.write(`${name}@${label} now points to version ${moved.version}${moved.previousVersion === null || moved.previousVersion === moved.version ? '' : ` (was ${moved.previousVersion})`}.\n`);
}

export async function diffPrompt({ client, stdout }: CommandContext, name: string, from: number, to: number, options: { json?: boolean }): Promise<void> {
  const diff = await client.prompts.diff(name, from, to);
  if (options.json === true) return writeJson(stdout, diff);
  const marks = { equal: ' ', add: '+', remove: '-' } as const;
  const lines = [`--- ${name} v${from}`, `+++ ${name} v${to}`, ...diff.lines.map((line) => `${marks[line.op]} ${line.text}`)];
  if (diff.typeChanged) lines.push('', 'type changed');
  if (diff.variables.added.length > 0 || diff.variables.removed.length > 0) {
    lines.push('', 'variables:', ...diff.variables.removed.map((variable) => `- ${variable}`), ...diff.variables.added.map((variable) => `+ ${variable}`));
  }
  if (diff.config.length > 0) {
    const show = (value: unknown) => JSON.stringify(value);
    lines.push('', 'config:', ...diff.config.map((change) => (change.change === 'added' ? `+ ${change.path}: ${show(change.to)}` : change.change === 'removed' ? `- ${change.path}: ${show(change.from)}` : `~ ${change.path}: ${show(change.from)} -> ${show(change.to)}`)));
  }
  stdout.write(`${lines.join('\n')}\n`);
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const promptType = (value: string): 'text' | 'chat' => {
  if (value !== 'text' && value !== 'chat') throw new InvalidArgumentError("expected 'text' or 'chat'");
  return value;
};

export function registerPromptsCommand(program: Command, context: ContextFactory): void {
  const prompts = program.command('prompts').description('The prompt registry: versioned templates and their labels');
  prompts
    .command('push <name>')
    .description('Create the next version of a prompt from a file (a text template, or .json/.yaml with {type, template|messages, variables, config})')
    .requiredOption('--file <path>', 'the prompt file')
    .option('--type <type>', 'text or chat (checked against the file)', promptType)
    .option('--label <label>', 'point this label at the new version (repeatable)', collect)
    .option('--message <text>', 'commit message')
    .option('--author <name>', 'author name recorded with the version')
    .option('--json', 'print JSON')
    .action(async (name: string, options: PushOptions, command: Command) => pushPrompt(await context(command), name, options));
  prompts
    .command('get <name>')
    .description('A prompt version: by label, by version, or the latest')
    .option('--label <label>', 'the version this label points at')
    .option('--version <number>', 'this version', parsePositiveInt)
    .option('--json', 'print JSON')
    .action(async (name: string, options: { label?: string; version?: number; json?: boolean }, command: Command) => getPrompt(await context(command), name, options));
  prompts
    .command('list')
    .description('Prompts with their latest version and labels')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => listPrompts(await context(command), options));
  prompts
    .command('label')
    .description('Point a label at a version (deploy or roll back)')
    .argument('<name>')
    .argument('<label>')
    .argument('<version>', 'version number', parsePositiveInt)
    .option('--json', 'print JSON')
    .action(async (name: string, label: string, version: number, options: { json?: boolean }, command: Command) => labelPrompt(await context(command), name, label, version, options));
  prompts
    .command('diff')
    .description('What changed between two versions')
    .argument('<name>')
    .argument('<from>', 'older version', parsePositiveInt)
    .argument('<to>', 'newer version', parsePositiveInt)
    .option('--json', 'print JSON')
    .action(async (name: string, from: number, to: number, options: { json?: boolean }, command: Command) => diffPrompt(await context(command), name, from, to, options));
}
