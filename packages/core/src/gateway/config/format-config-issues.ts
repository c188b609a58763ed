import type { z } from 'zod';

/** A zod path as a user writes it: `models[0].targets[1].provider`. */
export function formatConfigPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}

export interface ConfigIssue {
  path: string;
  message: string;
}

/** Every issue of a failed parse, each naming its field. */
export function listConfigIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => ({ path: formatConfigPath(issue.path), message: issue.message }));
}

/** The first few issues as one line: `models[0].targets[1].provider: no provider named 'x'; ...`. */
export function formatConfigIssues(error: z.ZodError, most = 3): string {
  const issues = listConfigIssues(error);
  const shown = issues.slice(0, most).map((issue) => (issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`));
  const more = issues.length > most ? ` (and ${issues.length - most} more)` : '';
  return `${shown.join('; ')}${more}`;
}
