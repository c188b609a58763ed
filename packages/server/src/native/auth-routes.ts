import { createKeySchema, createProjectSchema, signInRequestSchema } from '@keel/spec';
import { z } from 'zod';
import type { AppServices } from '../app-services.ts';
import { defineRoute } from '../http/route-spec.ts';

const v1 = '/api/v1';
const keyView = (key: { id: string; projectName: string; name: string; role: 'read' | 'write' | 'admin'; superuser: boolean; prefix: string; createdAt: number; revokedAt: number | null }) => ({
  id: key.id, projectName: key.projectName, name: key.name, role: key.role, superuser: key.superuser, prefix: key.prefix, createdAt: key.createdAt, revokedAt: key.revokedAt,
});

export function nativeAuthRoutes({ auth, signInLinks }: AppServices) {
  return [
    defineRoute({
      method: 'POST', url: `${v1}/ui/sign-in`, access: 'public', api: 'native', summary: 'Trade the one-time web UI sign-in link printed by keel server for an instance administrator key',
      body: signInRequestSchema,
      handler: async ({ body }) => {
        const created = await signInLinks.redeem(body.token);
        return { apiKey: created.secret, project: created.key.projectName };
      },
    }),
    defineRoute({
      method: 'GET', url: `${v1}/projects`, access: 'read', api: 'native', summary: 'Projects this key can see',
      handler: async ({ principal }) => {
        const projects = await auth.listProjects();
        return { items: principal.superuser ? projects : projects.filter((project) => project.id === principal.projectId) };
      },
    }),
    defineRoute({
      method: 'POST', url: `${v1}/projects`, access: 'superuser', api: 'native', summary: 'Create a project and its first admin key',
      body: createProjectSchema,
      handler: async ({ body, reply }) => {
        const created = await auth.createProject(body.name);
        return reply.status(201).send({ project: created.project, adminKey: { key: keyView(created.admin.key), secret: created.admin.secret } });
      },
    }),
    defineRoute({
      method: 'GET', url: `${v1}/keys`, access: 'admin', api: 'native', summary: 'API keys of the project (all projects for the instance administrator with ?all=true)',
      query: z.object({ all: z.enum(['true', 'false']).optional() }),
      handler: async ({ principal, query }) => ({ items: (await auth.listKeys(query.all === 'true' && principal.superuser ? undefined : principal.projectId)).map(keyView) }),
    }),
    defineRoute({
      method: 'POST', url: `${v1}/keys`, access: 'admin', api: 'native', summary: 'Create an API key in the project; the secret is shown once',
      body: createKeySchema,
      handler: async ({ principal, body, reply }) => {
        const created = await auth.createKey(principal.projectName, body.name, body.role);
        return reply.status(201).send({ key: keyView(created.key), secret: created.secret });
      },
    }),
    defineRoute({
      method: 'DELETE', url: `${v1}/keys/:keyId`, access: 'admin', api: 'native', summary: 'Revoke an API key',
      params: z.object({ keyId: z.string() }),
      handler: async ({ principal, params }) => {
        await auth.revokeKey(params.keyId, principal.superuser ? undefined : principal.projectId);
        return { revoked: params.keyId };
      },
    }),
  ];
}
