import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type TestServer, startTestServer } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureCli } from '../capture-cli.ts';

let server: TestServer;
let env: Record<string, string>;
let cwd: string;

beforeAll(async () => {
  server = await startTestServer();
  env = { KEEL_URL: server.url, KEEL_API_KEY: server.adminKey };
  cwd = await mkdtemp(path.join(tmpdir(), 'keel-prompts-cli-'));
  await writeFile(path.join(cwd, 'greeting.txt'), 'Hello {{name}}, welcome to {{place}}.\n');
  await writeFile(path.join(cwd, 'greeting-v2.txt'), 'Hi {{name}}!\nEnjoy {{place}}.\n');
  await writeFile(path.join(cwd, 'support.yaml'), [
    'type: chat',
    'messages:',
    '  - role: system',
    '    content: You support {{product}} users.',
    '  - role: user',
    '    content: "{{question}}"',
    'config:',
    '  model: gpt-4o',
    '  temperature: 0.1',
  ].join('\n'));
  await writeFile(path.join(cwd, 'declared.json'), JSON.stringify({ type: 'text', template: 'Say {{word}}', variables: ['word', 'unused'] }));
  await writeFile(path.join(cwd, 'broken.json'), '{"type": "text", "template": ');
  await writeFile(path.join(cwd, 'wrong-shape.yaml'), 'type: chat\ntemplate: not messages\n');
});
afterAll(async () => {
  await server?.close();
  await rm(cwd, { recursive: true, force: true });
});

const keel = (args: string[]) => captureCli(args, { env, cwd });

describe('keel prompts', () => {
  it('pushes text versions, labels, lists, gets and diffs them', async () => {
    expect(await keel(['prompts', 'push', 'greeting', '--file', 'greeting.txt', '--label', 'production', '--label', 'staging', '--message', 'first', '--author', 'Ada'])).toEqual({
      code: 0, stdout: 'Created greeting version 1 (production, staging).\n', stderr: '',
    });
    expect((await keel(['prompts', 'push', 'greeting', '--file', 'greeting-v2.txt', '--type', 'text'])).stdout).toBe('Created greeting version 2.\n');
    expect(await keel(['prompts', 'label', 'greeting', 'staging', '2'])).toEqual({ code: 0, stdout: 'greeting@staging now points to version 2 (was 1).\n', stderr: '' });

    const shown = await keel(['prompts', 'get', 'greeting', '--label', 'production']);
    expect(shown.stdout).toContain('greeting v1');
    expect(shown.stdout).toContain('variables  name, place');
    expect(shown.stdout).toContain('message    first');
    expect(shown.stdout).toMatch(/by Ada\n/);
    expect(shown.stdout.endsWith('Hello {{name}}, welcome to {{place}}.\n')).toBe(true);
    const latest = JSON.parse((await keel(['prompts', 'get', 'greeting', '--json'])).stdout) as { version: number; labels: string[] };
    expect(latest).toMatchObject({ version: 2, labels: ['latest', 'staging'] });
    expect((JSON.parse((await keel(['prompts', 'get', 'greeting', '--version', '1', '--json'])).stdout) as { version: number }).version).toBe(1);

    const diff = await keel(['prompts', 'diff', 'greeting', '1', '2']);
    expect(diff.stdout).toBe(['--- greeting v1', '+++ greeting v2', '- Hello {{name}}, welcome to {{place}}.', '+ Hi {{name}}!', '+ Enjoy {{place}}.', '  ', ''].join('\n'));

    const listed = (await keel(['prompts', 'list'])).stdout.trimEnd().split('\n').map((line) => line.replace(/\s+/g, ' ').replace(/ \S+Z$/, ''));
    expect(listed[0]).toBe('NAME TYPE LATEST LABELS UPDATED');
    expect(listed).toContain('greeting text 2 production=v1 staging=v2');
  });

  it('pushes a chat prompt from YAML, inferring its variables, and keeps declared ones from JSON', async () => {
    expect((await keel(['prompts', 'push', 'support', '--file', 'support.yaml'])).code).toBe(0);
    const support = JSON.parse((await keel(['prompts', 'get', 'support', '--json'])).stdout) as { type: string; variables: string[]; config: unknown; messages: unknown[] };
    expect(support).toMatchObject({ type: 'chat', variables: ['product', 'question'], config: { model: 'gpt-4o', temperature: 0.1 } });
    expect(support.messages).toEqual([{ role: 'system', content: 'You support {{product}} users.' }, { role: 'user', content: '{{question}}' }]);
    expect((await keel(['prompts', 'get', 'support'])).stdout).toContain('[system]\nYou support {{product}} users.\n\n[user]\n{{question}}\n');
    // Declared variables are sent as written, so the server names the unused one.
    const declared = await keel(['prompts', 'push', 'declared', '--file', 'declared.json']);
    expect(declared.code).toBe(1);
    expect(declared.stderr).toMatch(/^keel: INVALID_PARAMETER_VALUE: .*declared but not used: unused/);
  });

  it('explains bad files, types, labels and versions', async () => {
    expect((await keel(['prompts', 'push', 'x', '--file', 'missing.txt'])).stderr).toMatch(/^keel: INVALID_PARAMETER_VALUE: Cannot read missing\.txt/);
    expect((await keel(['prompts', 'push', 'x', '--file', 'broken.json'])).stderr).toMatch(/^keel: INVALID_PARAMETER_VALUE: broken\.json is not valid JSON/);
    expect((await keel(['prompts', 'push', 'x', '--file', 'wrong-shape.yaml'])).stderr).toMatch(/^keel: INVALID_PARAMETER_VALUE: wrong-shape\.yaml: give \{type, template\}/);
    expect((await keel(['prompts', 'push', 'x', '--file', 'greeting.txt', '--type', 'chat'])).stderr).toMatch(/chat prompt comes from a \.json or \.yaml file/);
    expect((await keel(['prompts', 'push', 'x', '--file', 'support.yaml', '--type', 'text'])).stderr).toMatch(/--type text does not match the chat prompt/);
    expect((await keel(['prompts', 'push', 'x', '--file', 'greeting.txt', '--type', 'image'])).code).toBe(1);
    expect((await keel(['prompts', 'label', 'greeting', 'latest', '1'])).stderr).toMatch(/^keel: INVALID_PARAMETER_VALUE: The label 'latest' is reserved/);
    expect((await keel(['prompts', 'label', 'greeting', 'production', '9'])).stderr).toMatch(/^keel: RESOURCE_DOES_NOT_EXIST: /);
    const notNumber = await keel(['prompts', 'label', 'greeting', 'production', 'two']);
    expect(notNumber.code).toBe(1);
    expect(notNumber.stderr).toMatch(/expected a whole number/);
    expect((await keel(['prompts', 'get', 'nope'])).stderr).toMatch(/^keel: RESOURCE_DOES_NOT_EXIST: Prompt 'nope' not found/);
  });
});
