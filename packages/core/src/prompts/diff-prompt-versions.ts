import type { PromptVersion } from '@keel/spec';
import { type DiffLine, diffLines } from './diff-lines.ts';

export interface ConfigChange {
  /** Dotted path of the key (`response_format.type`); arrays are compared whole. */
  path: string;
  change: 'added' | 'removed' | 'changed';
  from?: unknown;
  to?: unknown;
}

export interface PromptVersionDiff {
  name: string;
  from: number;
  to: number;
  typeChanged: boolean;
  lines: DiffLine[];
  variables: { added: string[]; removed: string[] };
  config: ConfigChange[];
}

/** A version as lines: the template, or each message as a `[role]` line followed by its content. */
function toLines(version: PromptVersion): string[] {
  if (version.type === 'text') return version.template.split('\n');
  return version.messages.flatMap((message) => [`[${message.role}]`, ...message.content.split('\n')]);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function flatten(value: Record<string, unknown>, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  for (const [key, item] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (isPlainObject(item) && Object.keys(item).length > 0) flatten(item, path, out);
    else out.set(path, item);
  }
  return out;
}

function diffConfig(before: Record<string, unknown>, after: Record<string, unknown>): ConfigChange[] {
  const a = flatten(before, '', new Map());
  const b = flatten(after, '', new Map());
  const changes: ConfigChange[] = [];
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    if (!b.has(path)) changes.push({ path, change: 'removed', from: a.get(path) });
    else if (!a.has(path)) changes.push({ path, change: 'added', to: b.get(path) });
    else if (JSON.stringify(a.get(path)) !== JSON.stringify(b.get(path))) changes.push({ path, change: 'changed', from: a.get(path), to: b.get(path) });
  }
  return changes;
}

/** What changed from one version to another: template lines, declared variables and config keys. */
export function diffPromptVersions(from: PromptVersion, to: PromptVersion): PromptVersionDiff {
  return {
    name: to.name,
    from: from.version,
    to: to.version,
    typeChanged: from.type !== to.type,
    lines: diffLines(toLines(from), toLines(to)),
    variables: { added: to.variables.filter((name) => !from.variables.includes(name)), removed: from.variables.filter((name) => !to.variables.includes(name)) },
    config: diffConfig(from.config, to.config),
  };
}
