import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { formatConfigIssues, listConfigIssues } from '@keel/core';
import { type GatewayConfig, type KeelConfigFile, keelConfigFileSchema } from '@keel/spec';
import { parse as parseYaml } from 'yaml';

/** The names `$KEEL_HOME` may hold the config file under; at most one of them may exist. */
export const keelConfigFileNames = ['keel.config.yaml', 'keel.config.yml', 'keel.config.json'] as const;

/** A config file that cannot be used; the message names the file and the bad field. */
export class KeelConfigFileError extends Error {
  readonly file: string;
  readonly issues: { path: string; message: string }[];

  constructor(file: string, message: string, issues: { path: string; message: string }[] = []) {
    super(`${file}: ${message}`);
    this.name = 'KeelConfigFileError';
    this.file = file;
    this.issues = issues;
  }
}

/** The config file in `home`, or undefined when there is none; two of them at once is an error. */
export async function findKeelConfigFile(home: string): Promise<string | undefined> {
  const found: string[] = [];
  for (const name of keelConfigFileNames) {
    const file = path.join(home, name);
    try {
      await access(file);
      found.push(file);
    } catch {
      // not there
    }
  }
  if (found.length > 1) throw new KeelConfigFileError(found[0] ?? home, `${found.map((file) => path.basename(file)).join(' and ')} both exist; keep one`);
  return found[0];
}

/** Parses the text of a config file (YAML, or JSON for a .json file) and validates it. */
export function parseKeelConfigText(text: string, file: string): KeelConfigFile {
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { prettyErrors: true, maxAliasCount: 100 });
  } catch (error) {
    throw new KeelConfigFileError(file, `cannot be parsed: ${error instanceof Error ? error.message : String(error)}`);
  }
  // An empty file configures nothing.
  const parsed = keelConfigFileSchema.safeParse(data ?? {});
  if (!parsed.success) throw new KeelConfigFileError(file, formatConfigIssues(parsed.error), listConfigIssues(parsed.error));
  return parsed.data;
}

export async function loadKeelConfigFile(file: string): Promise<KeelConfigFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new KeelConfigFileError(file, `cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseKeelConfigText(text, file);
}

/** The gateway documents of a config file, by project name. */
export function gatewayConfigsOf(config: KeelConfigFile): Map<string, GatewayConfig> {
  return new Map(Object.entries(config.projects).map(([name, project]) => [name, project.gateway]));
}
