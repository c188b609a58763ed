import { invalid, type NewPromptVersion, type PromptContent, promptLimits, promptVariablePattern } from '@keel/spec';
import { parseTemplateVariables } from './parse-template-variables.ts';
import { validatePromptLabel } from './validate-prompt-label.ts';

export interface PromptVersionInput {
  content: PromptContent;
  variables?: string[] | undefined;
  config?: Record<string, unknown> | undefined;
  labels?: string[] | undefined;
  commitMessage?: string | undefined;
  authorName?: string | undefined;
}

const plural = (count: number, word: string): string => `${word}${count === 1 ? '' : 's'}`;

function validateContent(content: PromptContent): void {
  if (content.type === 'text') {
    if (content.template.length > promptLimits.templateChars) throw invalid(`The template is longer than ${promptLimits.templateChars} characters`);
    return;
  }
  if (content.messages.length === 0) throw invalid('A chat prompt needs at least one message');
  if (content.messages.length > promptLimits.messages) throw invalid(`A chat prompt has at most ${promptLimits.messages} messages`);
  let total = 0;
  for (const [index, message] of content.messages.entries()) {
    if (message.role.trim() === '' || message.role.length > promptLimits.roleChars) throw invalid(`Message ${index}: the role must be 1-${promptLimits.roleChars} characters`);
    total += message.content.length;
  }
  if (total > promptLimits.templateChars) throw invalid(`The messages are longer than ${promptLimits.templateChars} characters together`);
}

function validateConfig(config: Record<string, unknown>): void {
  // The wire schema already made it an object; arrays and null are not config objects.
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw invalid('config must be a JSON object');
  const size = Buffer.byteLength(JSON.stringify(config), 'utf8');
  if (size > promptLimits.configBytes) throw invalid(`config is ${size} bytes as JSON; the limit is ${promptLimits.configBytes}`);
}

/**
 * Checks a new version: its template, its declared variables against the ones it uses (every used
 * one declared, every declared one used, so a typo is caught when the version is made, not when it
 * is compiled in production), its config and labels. Answers 400 naming every offender.
 */
export function validateNewPromptVersion(input: PromptVersionInput): NewPromptVersion {
  validateContent(input.content);
  const declared = input.variables ?? [];
  if (declared.length > promptLimits.variables) throw invalid(`At most ${promptLimits.variables} variables`);
  const badNames = declared.filter((name) => !promptVariablePattern.test(name));
  if (badNames.length > 0) throw invalid(`Invalid variable ${plural(badNames.length, 'name')} ${badNames.map((name) => `'${name.slice(0, 60)}'`).join(', ')}: use [A-Za-z_][A-Za-z0-9_]*`, { invalidVariables: badNames });
  const duplicates = declared.filter((name, index) => declared.indexOf(name) !== index);
  if (duplicates.length > 0) throw invalid(`Variable ${plural(duplicates.length, 'name')} declared twice: ${[...new Set(duplicates)].join(', ')}`);
  const used = parseTemplateVariables(input.content);
  const undeclared = used.filter((name) => !declared.includes(name));
  const unused = declared.filter((name) => !used.includes(name));
  if (undeclared.length > 0 || unused.length > 0) {
    const parts = [
      ...(undeclared.length === 0 ? [] : [`used but not declared: ${undeclared.join(', ')}`]),
      ...(unused.length === 0 ? [] : [`declared but not used: ${unused.join(', ')}`]),
    ];
    throw invalid(`Template variables do not match the declared ones (${parts.join('; ')})`, { undeclared, unused });
  }
  const config = input.config ?? {};
  validateConfig(config);
  const labels = [...new Set(input.labels ?? [])];
  if (labels.length > promptLimits.labelsPerCreate) throw invalid(`At most ${promptLimits.labelsPerCreate} labels`);
  for (const label of labels) validatePromptLabel(label);
  const commitMessage = input.commitMessage ?? '';
  if (commitMessage.length > promptLimits.commitMessageChars) throw invalid(`commitMessage is longer than ${promptLimits.commitMessageChars} characters`);
  const authorName = input.authorName ?? '';
  if (authorName.length > promptLimits.authorNameChars) throw invalid(`authorName is longer than ${promptLimits.authorNameChars} characters`);
  return { content: input.content, variables: declared, config, labels, commitMessage, authorName };
}
