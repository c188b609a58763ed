import { LangfuseClient } from '@langfuse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, callKeel, callKeelOk, type KeelRequest, startTestServer, type TestServer } from '@keel/testing';

/**
 * Langfuse's prompt read (`GET /api/public/v2/prompts/{name}`): the wire shape, and the real Langfuse
 * JS client (@langfuse/client) fetching and compiling prompts stored in Keel.
 */

let server: TestServer;
let writeKey: string;
let readKey: string;

const post = (path: string, body: unknown): KeelRequest => ({ method: 'POST', path, body });
const lf = (name: string, query?: Record<string, string>): KeelRequest => ({ method: 'GET', path: `/api/public/v2/prompts/${encodeURIComponent(name)}`, ...(query === undefined ? {} : { query }) });

beforeAll(async () => {
  server = await startTestServer();
  const project = await callKeelOk<{ adminKey: { secret: string } }>(server.url, post('/api/v1/projects', { name: 'langfuse-compat' }), server.adminKey);
  const key = async (role: string) => (await callKeelOk<{ secret: string }>(server.url, post('/api/v1/keys', { name: `lf-${role}`, role }), project.adminKey.secret)).secret;
  writeKey = await key('write');
  readKey = await key('read');
  await callKeelOk(server.url, post('/api/v1/prompts', { name: 'movie-critic', type: 'text', template: 'As a {{criticlevel}} critic, do you like {{movie}}?', variables: ['criticlevel', 'movie'], config: { model: 'gpt-4o', temperature: 0.7 }, labels: ['production'], commitMessage: 'first cut', authorName: 'Ada' }), writeKey);
  await callKeelOk(server.url, post('/api/v1/prompts', { name: 'movie-critic', type: 'text', template: 'Critic ({{criticlevel}}): {{movie}}?', variables: ['criticlevel', 'movie'], labels: ['staging'] }), writeKey);
  await callKeelOk(server.url, post('/api/v1/prompts', { name: 'chat-critic', type: 'chat', messages: [{ role: 'system', content: 'You are a {{criticlevel}} critic.' }, { role: 'user', content: 'Review {{movie}}.' }], variables: ['criticlevel', 'movie'], labels: ['production'] }), writeKey);
});
afterAll(async () => {
  await server?.close();
});

describe('Langfuse prompt API', () => {
  it('answers Langfuse\'s prompt JSON, resolving production by default, with the key as the Basic password', async () => {
    const answer = await callKeel(server.url, { ...lf('movie-critic'), headers: basic(readKey, 'pk-lf-anything') });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toEqual({
      id: 'movie-critic@1',
      projectId: 'langfuse-compat',
      name: 'movie-critic',
      version: 1,
      type: 'text',
      prompt: 'As a {{criticlevel}} critic, do you like {{movie}}?',
      config: { model: 'gpt-4o', temperature: 0.7 },
      labels: ['production'],
      tags: [],
      commitMessage: 'first cut',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      createdBy: 'Ada',
      isActive: null,
      resolutionGraph: null,
    });
    const byLabel = await callKeelOk<{ version: number; labels: string[]; commitMessage: string | null }>(server.url, { ...lf('movie-critic', { label: 'latest' }), headers: basic(readKey) });
    expect(byLabel).toMatchObject({ version: 2, labels: ['latest', 'staging'], commitMessage: null });
    expect((await callKeelOk<{ version: number }>(server.url, lf('movie-critic', { version: '2' }), readKey)).version).toBe(2);
    const chat = await callKeelOk<{ type: string; prompt: unknown }>(server.url, lf('chat-critic'), readKey);
    expect(chat).toMatchObject({ type: 'chat', prompt: [{ type: 'chatmessage', role: 'system', content: 'You are a {{criticlevel}} critic.' }, { type: 'chatmessage', role: 'user', content: 'Review {{movie}}.' }] });
  });

  it('refuses a missing or wrong key, and answers 404 for unknown prompts and labels', async () => {
    expect((await callKeel(server.url, lf('movie-critic'))).status).toBe(401);
    expect((await callKeel(server.url, { ...lf('movie-critic'), headers: basic(`${readKey}x`) })).status).toBe(401);
    expect((await callKeel(server.url, { ...lf('movie-critic'), headers: basic(server.adminKey) })).status).toBe(404);
    expect((await callKeel(server.url, lf('movie-critic', { label: 'canary' }), readKey)).status).toBe(404);
    expect((await callKeel(server.url, lf('nope'), readKey)).status).toBe(404);
    expect((await callKeel(server.url, lf('movie-critic', { label: 'production', version: '1' }), readKey)).status).toBe(400);
  });

  it('serves the real Langfuse JS client: prompt.get and compile', async () => {
    const langfuse = new LangfuseClient({ publicKey: 'pk-lf-keel', secretKey: readKey, baseUrl: server.url });
    const text = await langfuse.prompt.get('movie-critic');
    expect(text.version).toBe(1);
    expect(text.config).toEqual({ model: 'gpt-4o', temperature: 0.7 });
    expect(text.compile({ criticlevel: 'expert', movie: 'Dune 2' })).toBe('As a expert critic, do you like Dune 2?');
    const staging = await langfuse.prompt.get('movie-critic', { label: 'staging', cacheTtlSeconds: 0 });
    expect(staging.version).toBe(2);
    expect((await langfuse.prompt.get('movie-critic', { version: 2, cacheTtlSeconds: 0 })).prompt).toBe('Critic ({{criticlevel}}): {{movie}}?');
    const chat = await langfuse.prompt.get('chat-critic', { type: 'chat' });
    expect(chat.compile({ criticlevel: 'kind', movie: 'Up' })).toEqual([{ role: 'system', content: 'You are a kind critic.' }, { role: 'user', content: 'Review Up.' }]);
  });
});
