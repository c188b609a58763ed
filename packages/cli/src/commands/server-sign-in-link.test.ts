import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKeelBinary, type KeelProcess, startKeelProcess } from '@keel/testing';

describe('keel server: the web UI sign-in link', () => {
  let home: string;
  let keel: KeelProcess;

  beforeAll(async () => {
    await buildKeelBinary();
    home = await mkdtemp(path.join(tmpdir(), 'keel-sign-in-'));
    keel = await startKeelProcess({ home });
    await keel.waitForOutput(/sign in with \S+/);
  }, 120_000);
  afterAll(async () => {
    await keel?.stop();
    await rm(home, { recursive: true, force: true });
  });

  const redeem = (token: string) => fetch(`${keel.url}/api/v1/ui/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });

  it('is printed at start, serves the UI, and trades its token for a working key exactly once', async () => {
    const link = /sign in with (\S+) \(the link works once\)/.exec(keel.output())?.[1] ?? '';
    expect(link.startsWith(`${keel.url}/sign-in#token=`)).toBe(true);
    const page = await fetch(link.split('#')[0] ?? '', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');

    const token = new URL(link).hash.slice('#token='.length);
    const wrong = await redeem(`${token}x`);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error_code: 'UNAUTHENTICATED' });
    const first = await redeem(token);
    expect(first.status).toBe(200);
    const { apiKey, project } = (await first.json()) as { apiKey: string; project: string };
    expect(project).toBe('default');
    const projects = await fetch(`${keel.url}/api/v1/projects`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(projects.status).toBe(200);
    expect((await redeem(token)).status).toBe(401);
  });

  it('answers bad sign-in bodies with a 400 in the one JSON error shape', async () => {
    const answer = await fetch(`${keel.url}/api/v1/ui/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 42 }) });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
  });
});
