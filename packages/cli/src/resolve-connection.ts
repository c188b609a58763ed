import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { KeelError } from '@keel/spec';
import { z } from 'zod';

export interface Connection {
  baseUrl: string;
  apiKey: string;
}

const credentialsSchema = z.object({ project: z.string().optional(), api_key: z.string().min(1) });

/**
 * The server (KEEL_URL, default http://127.0.0.1:4000) and the key: KEEL_API_KEY, else the
 * credentials.json that `keel server` writes into KEEL_HOME (default ./.keel) at first start.
 */
export async function resolveConnection(env: Readonly<Record<string, string | undefined>>, cwd: string): Promise<Connection> {
  const baseUrl = env.KEEL_URL?.trim() || 'http://127.0.0.1:4000';
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
    throw new KeelError('INVALID_PARAMETER_VALUE', `KEEL_URL must be an http(s) URL, got '${baseUrl}'`);
  }
  const fromEnv = env.KEEL_API_KEY?.trim();
  if (fromEnv !== undefined && fromEnv !== '') return { baseUrl, apiKey: fromEnv };

  const file = path.join(path.resolve(cwd, env.KEEL_HOME?.trim() || '.keel'), 'credentials.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
    throw new KeelError('UNAUTHENTICATED', `No API key: set KEEL_API_KEY, or KEEL_HOME to the folder whose credentials.json \`keel server\` wrote (looked for ${file})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = credentialsSchema.safeParse(json);
  if (!parsed.success) throw new KeelError('INVALID_PARAMETER_VALUE', `${file} is not valid credentials: expected {"project": "...", "api_key": "..."}`);
  return { baseUrl, apiKey: parsed.data.api_key };
}
