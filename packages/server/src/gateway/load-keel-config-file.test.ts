import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayConfig } from '@keel/spec';
import { findKeelConfigFile, gatewayConfigsOf, loadKeelConfigFile, parseKeelConfigText } from './load-keel-config-file.ts';
import { watchKeelConfigFile } from './watch-keel-config-file.ts';

const homes: string[] = [];
const newHome = async () => {
  const home = await mkdtemp(path.join(tmpdir(), 'keel-config-file-'));
  homes.push(home);
  return home;
};
afterEach(async () => {
  for (const home of homes.splice(0)) await rm(home, { recursive: true, force: true });
});

const yaml = (provider = 'openai') => `
projects:
  default:
    gateway:
      providers:
        - name: openai
          type: openai
          api_key: { env: OPENAI_API_KEY }
      models:
        - name: chat
          targets:
            - provider: ${provider}
              model: gpt-4o-mini
      keys:
        - name: ci
          secret: { env: KEEL_CI_KEY }
          limits: { rpm: 60 }
`;

describe('loadKeelConfigFile', () => {
  it('reads YAML, .yml and JSON files, with defaults filled in', async () => {
    const home = await newHome();
    const file = path.join(home, 'keel.config.yaml');
    await writeFile(file, yaml());
    expect(await findKeelConfigFile(home)).toBe(file);
    const configs = gatewayConfigsOf(await loadKeelConfigFile(file));
    expect([...configs.keys()]).toEqual(['default']);
    expect(configs.get('default')).toMatchObject({ providers: [{ name: 'openai', api_key: { env: 'OPENAI_API_KEY' } }], models: [{ name: 'chat', kind: 'chat', targets: [{ weight: 1 }] }], keys: [{ name: 'ci', limits: { rpm: 60, on_store_error: 'closed' } }], record_bodies: true });
    await rm(file);
    const json = path.join(home, 'keel.config.json');
    await writeFile(json, JSON.stringify({ projects: { other: { gateway: {} } } }));
    expect(await findKeelConfigFile(home)).toBe(json);
    expect([...gatewayConfigsOf(await loadKeelConfigFile(json)).keys()]).toEqual(['other']);
    const empty = path.join(await newHome(), 'keel.config.yml');
    await writeFile(empty, '# nothing yet\n');
    expect(gatewayConfigsOf(await loadKeelConfigFile(empty)).size).toBe(0);
    expect(await findKeelConfigFile(await newHome())).toBeUndefined();
  });

  it('names the file and the field path of a bad value', async () => {
    const home = await newHome();
    const file = path.join(home, 'keel.config.yaml');
    await writeFile(file, yaml('nobody'));
    await expect(loadKeelConfigFile(file)).rejects.toThrow(`${file}: projects.default.gateway.models[0].targets[0].provider: no provider named 'nobody'`);
    await writeFile(file, 'projects:\n  default:\n    gateway:\n      providers:\n        - name: p\n          type: openai\n          timeout_ms: soon\n');
    await expect(loadKeelConfigFile(file)).rejects.toThrow(/projects\.default\.gateway\.providers\[0\]\.timeout_ms: /);
    await writeFile(file, 'projects: [unclosed\n');
    await expect(loadKeelConfigFile(file)).rejects.toThrow(new RegExp(`^${file.replaceAll('.', '\\.')}: cannot be parsed`));
    await writeFile(file, 'gateway: {}\n');
    await expect(loadKeelConfigFile(file)).rejects.toThrow(/Unrecognized key.*gateway/);
  });

  it('refuses two config files at once', async () => {
    const home = await newHome();
    await writeFile(path.join(home, 'keel.config.yaml'), yaml());
    await writeFile(path.join(home, 'keel.config.json'), '{}');
    await expect(findKeelConfigFile(home)).rejects.toThrow(/keel\.config\.yaml and keel\.config\.json both exist/);
  });
});

describe('watchKeelConfigFile', () => {
  it('reloads a changed file, reports a bad edit naming the field, and sees the file replaced or removed', async () => {
    const home = await newHome();
    const file = path.join(home, 'keel.config.yaml');
    const events: ({ kind: 'load'; configs: Map<string, GatewayConfig> } | { kind: 'error'; message: string })[] = [];
    let wake: () => void = () => undefined;
    const next = async () => {
      while (events.length === 0) await new Promise<void>((resolve) => { wake = resolve; });
      return events.shift();
    };
    const watcher = watchKeelConfigFile({
      home,
      debounceMs: 100,
      onLoad: (configs) => { events.push({ kind: 'load', configs }); wake(); },
      onError: (error) => { events.push({ kind: 'error', message: String(error) }); wake(); },
    });
    try {
      await writeFile(file, yaml());
      expect(await next()).toMatchObject({ kind: 'load', configs: new Map([['default', expect.objectContaining({ models: [expect.objectContaining({ name: 'chat' })] })]]) });
      await writeFile(file, yaml('nobody'));
      expect(await next()).toEqual({ kind: 'error', message: expect.stringContaining("projects.default.gateway.models[0].targets[0].provider: no provider named 'nobody'") });
      // An editor's save: a new file renamed over the old one.
      await writeFile(`${file}.tmp`, yaml().replace('gpt-4o-mini', 'gpt-4o'));
      await rename(`${file}.tmp`, file);
      const replaced = await next();
      expect(replaced?.kind === 'load' ? replaced.configs.get('default')?.models[0]?.targets[0]?.model : replaced).toBe('gpt-4o');
      await rm(file);
      expect(await next()).toEqual({ kind: 'load', configs: new Map() });
    } finally {
      watcher.close();
    }
  });
});

describe('the README example', () => {
  it('is a valid config file', async () => {
    const readme = await readFile(path.join(import.meta.dirname, '../../../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Configuring the gateway'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBeDefined();
    const configs = gatewayConfigsOf(parseKeelConfigText(example ?? '', 'README.md'));
    expect(configs.get('default')).toMatchObject({ providers: [{ name: 'openai' }, { name: 'local' }], keys: [{ name: 'ci', models: ['chat'] }] });
  });
});
