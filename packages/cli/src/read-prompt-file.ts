import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { KeelError, promptMessageSchema, promptTexts, scanTemplate, type PromptContent } from '@keel/spec';

const fields = { variables: z.array(z.string()).optional(), config: z.record(z.string(), z.unknown()).optional() };
const promptFileSchema = z.union([
  z.object({ type: z.literal('text').optional(), template: z.string(), ...fields }).strict(),
  z.object({ type: z.literal('chat').optional(), messages: z.array(promptMessageSchema), ...fields }).strict(),
]);

export interface PromptFile {
  content: PromptContent;
  variables: string[];
  config: Record<string, unknown> | undefined;
}

/**
 * A prompt version from a file: a .json/.yaml/.yml file holds {type, template | messages, variables,
 * config}; any other file is a text template as it is. Variables not declared in the file are the
 * ones the template uses (the server still refuses invalid placeholders).
 */
export async function readPromptFile(file: string, cwd: string, type: 'text' | 'chat' | undefined): Promise<PromptFile> {
  const absolute = path.resolve(cwd, file);
  const text = await readFile(absolute, 'utf8').catch((error: unknown) => {
    throw new KeelError('INVALID_PARAMETER_VALUE', `Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  });
  const extension = path.extname(absolute).toLowerCase();
  if (extension !== '.json' && extension !== '.yaml' && extension !== '.yml') {
    if (type === 'chat') throw new KeelError('INVALID_PARAMETER_VALUE', `A chat prompt comes from a .json or .yaml file with messages, not from ${file}`);
    return withVariables({ type: 'text', template: text }, undefined, undefined);
  }
  let data: unknown;
  try {
    data = extension === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new KeelError('INVALID_PARAMETER_VALUE', `${file} is not valid ${extension === '.json' ? 'JSON' : 'YAML'}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = promptFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KeelError('INVALID_PARAMETER_VALUE', `${file}: give {type, template} or {type, messages: [{role, content}]}, with optional variables and config${issue === undefined ? '' : ` (${issue.path.join('.') || 'file'}: ${issue.message})`}`);
  }
  const content: PromptContent = 'template' in parsed.data ? { type: 'text', template: parsed.data.template } : { type: 'chat', messages: parsed.data.messages };
  if (type !== undefined && type !== content.type) throw new KeelError('INVALID_PARAMETER_VALUE', `--type ${type} does not match the ${content.type} prompt in ${file}`);
  return withVariables(content, parsed.data.variables, parsed.data.config);
}

function withVariables(content: PromptContent, declared: string[] | undefined, config: Record<string, unknown> | undefined): PromptFile {
  const inferred = [...new Set(promptTexts(content).flatMap((text) => scanTemplate(text).variables))];
  return { content, variables: declared ?? inferred, config };
}
