import { z } from 'zod';
import type { AppServices } from '../app-services.ts';
import { defineRoute } from '../http/route-spec.ts';
import { modelVersionJson, registeredModelJson } from './mlflow-json.ts';
import { int64, repeated, tagList } from './mlflow-wire.ts';

const base = '/api/2.0/mlflow/registered-models';
const nameOnly = z.object({ name: z.string() });
const latestShape = { name: z.string(), stages: repeated(z.string()).optional() };

export function mlflowRegisteredModelRoutes({ registry }: AppServices) {
  const latest = async (projectId: number, input: { name: string; stages?: string[] | undefined }) => ({
    model_versions: (await registry.getLatestVersions(projectId, input.name, input.stages ?? [])).map(modelVersionJson),
  });
  return [
    defineRoute({
      method: 'POST', url: `${base}/create`, access: 'write', api: 'mlflow', summary: 'Create a registered model',
      body: z.object({ name: z.string(), tags: tagList, description: z.string().optional() }),
      handler: async ({ principal, body }) => ({
        registered_model: registeredModelJson(await registry.createRegisteredModel(principal.projectId, { name: body.name, description: body.description, tags: body.tags }, principal.keyId)),
      }),
    }),
    defineRoute({
      method: 'POST', url: `${base}/rename`, access: 'write', api: 'mlflow', summary: 'Rename a registered model',
      body: z.object({ name: z.string(), new_name: z.string() }),
      handler: async ({ principal, body }) => ({ registered_model: registeredModelJson(await registry.renameRegisteredModel(principal.projectId, body.name, body.new_name, principal.keyId)) }),
    }),
    defineRoute({
      method: 'PATCH', url: `${base}/update`, access: 'write', api: 'mlflow', summary: 'Describe a registered model',
      body: z.object({ name: z.string(), description: z.string().optional() }),
      handler: async ({ principal, body }) => ({ registered_model: registeredModelJson(await registry.updateRegisteredModel(principal.projectId, body.name, body.description ?? '', principal.keyId)) }),
    }),
    defineRoute({
      method: 'DELETE', url: `${base}/delete`, access: 'write', api: 'mlflow', summary: 'Delete a registered model and its versions',
      body: nameOnly,
      handler: async ({ principal, body }) => {
        await registry.deleteRegisteredModel(principal.projectId, body.name, principal.keyId);
        return {};
      },
    }),
    defineRoute({
      method: 'GET', url: `${base}/get`, access: 'read', api: 'mlflow', summary: 'Get a registered model',
      query: nameOnly,
      handler: async ({ principal, query }) => ({ registered_model: registeredModelJson(await registry.getRegisteredModel(principal.projectId, query.name)) }),
    }),
    defineRoute({
      method: 'GET', url: `${base}/search`, access: 'read', api: 'mlflow', summary: 'Search registered models',
      query: z.object({ filter: z.string().optional(), max_results: int64.optional(), order_by: repeated(z.string()).optional(), page_token: z.string().optional() }),
      handler: async ({ principal, query }) => {
        const page = await registry.searchRegisteredModels(principal.projectId, { filter: query.filter, maxResults: query.max_results, orderBy: query.order_by, pageToken: query.page_token });
        return { registered_models: page.items.map(registeredModelJson), ...(page.nextPageToken === undefined ? {} : { next_page_token: page.nextPageToken }) };
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/get-latest-versions`, access: 'read', api: 'mlflow', summary: 'Latest version per stage',
      body: z.object({ name: z.string(), stages: z.array(z.string()).optional() }),
      handler: ({ principal, body }) => latest(principal.projectId, body),
    }),
    defineRoute({
      method: 'GET', url: `${base}/get-latest-versions`, access: 'read', api: 'mlflow', summary: 'Latest version per stage',
      query: z.object(latestShape),
      handler: ({ principal, query }) => latest(principal.projectId, query),
    }),
    defineRoute({
      method: 'POST', url: `${base}/set-tag`, access: 'write', api: 'mlflow', summary: 'Set a registered model tag',
      body: z.object({ name: z.string(), key: z.string(), value: z.string() }),
      handler: async ({ principal, body }) => {
        await registry.setRegisteredModelTag(principal.projectId, body.name, { key: body.key, value: body.value });
        return {};
      },
    }),
    defineRoute({
      method: 'DELETE', url: `${base}/delete-tag`, access: 'write', api: 'mlflow', summary: 'Delete a registered model tag',
      body: z.object({ name: z.string(), key: z.string() }),
      handler: async ({ principal, body }) => {
        await registry.deleteRegisteredModelTag(principal.projectId, body.name, body.key);
        return {};
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/alias`, access: 'write', api: 'mlflow', summary: 'Point an alias at a version',
      body: z.object({ name: z.string(), alias: z.string(), version: z.union([z.string(), z.number().int().transform(String)]) }),
      handler: async ({ principal, body }) => {
        await registry.setAlias(principal.projectId, body.name, body.alias, body.version, principal.keyId);
        return {};
      },
    }),
    defineRoute({
      method: 'DELETE', url: `${base}/alias`, access: 'write', api: 'mlflow', summary: 'Delete an alias',
      body: z.object({ name: z.string(), alias: z.string() }),
      handler: async ({ principal, body }) => {
        await registry.deleteAlias(principal.projectId, body.name, body.alias, principal.keyId);
        return {};
      },
    }),
    defineRoute({
      method: 'GET', url: `${base}/alias`, access: 'read', api: 'mlflow', summary: 'Resolve an alias to its version',
      query: z.object({ name: z.string(), alias: z.string() }),
      handler: async ({ principal, query }) => ({ model_version: modelVersionJson(await registry.resolveAlias(principal.projectId, query.name, query.alias)) }),
    }),
  ];
}
