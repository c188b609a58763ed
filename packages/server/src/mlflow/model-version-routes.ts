import { z } from 'zod';
import type { AppServices } from '../app-services.ts';
import { defineRoute } from '../http/route-spec.ts';
import { modelVersionJson } from './mlflow-json.ts';
import { int64, repeated, tagList } from './mlflow-wire.ts';

const base = '/api/2.0/mlflow/model-versions';
const versionField = z.union([z.string(), z.number().int().transform(String)]);
const versionKey = z.object({ name: z.string(), version: versionField });

export function mlflowModelVersionRoutes({ registry }: AppServices) {
  return [
    defineRoute({
      method: 'POST', url: `${base}/create`, access: 'write', api: 'mlflow', summary: 'Register a model version',
      body: z.object({ name: z.string(), source: z.string(), run_id: z.string().optional(), tags: tagList, run_link: z.string().optional(), description: z.string().optional(), model_id: z.string().optional() }),
      handler: async ({ principal, body }) => ({
        model_version: modelVersionJson(
          await registry.createModelVersion(principal.projectId, body.name, { source: body.source, runId: body.run_id, modelId: body.model_id, tags: body.tags, runLink: body.run_link, description: body.description }, principal.keyId),
        ),
      }),
    }),
    defineRoute({
      method: 'PATCH', url: `${base}/update`, access: 'write', api: 'mlflow', summary: 'Describe a model version',
      body: z.object({ name: z.string(), version: versionField, description: z.string().optional() }),
      handler: async ({ principal, body }) => ({ model_version: modelVersionJson(await registry.updateModelVersion(principal.projectId, body.name, body.version, { description: body.description ?? '' }, principal.keyId)) }),
    }),
    defineRoute({
      method: 'POST', url: `${base}/transition-stage`, access: 'write', api: 'mlflow', summary: 'Move a version to a stage (deprecated by MLflow in favour of aliases)',
      body: z.object({ name: z.string(), version: versionField, stage: z.enum(['None', 'Staging', 'Production', 'Archived']), archive_existing_versions: z.boolean().optional() }),
      handler: async ({ principal, body }) => ({ model_version: modelVersionJson(await registry.updateModelVersion(principal.projectId, body.name, body.version, { stage: body.stage }, principal.keyId)) }),
    }),
    defineRoute({
      method: 'DELETE', url: `${base}/delete`, access: 'write', api: 'mlflow', summary: 'Delete a model version',
      body: versionKey,
      handler: async ({ principal, body }) => {
        await registry.deleteModelVersion(principal.projectId, body.name, body.version, principal.keyId);
        return {};
      },
    }),
    defineRoute({
      method: 'GET', url: `${base}/get`, access: 'read', api: 'mlflow', summary: 'Get a model version',
      query: versionKey,
      handler: async ({ principal, query }) => ({ model_version: modelVersionJson(await registry.getModelVersion(principal.projectId, query.name, query.version)) }),
    }),
    defineRoute({
      method: 'GET', url: `${base}/search`, access: 'read', api: 'mlflow', summary: 'Search model versions',
      query: z.object({ filter: z.string().optional(), max_results: int64.optional(), order_by: repeated(z.string()).optional(), page_token: z.string().optional() }),
      handler: async ({ principal, query }) => {
        const page = await registry.searchModelVersions(principal.projectId, { filter: query.filter, maxResults: query.max_results, orderBy: query.order_by, pageToken: query.page_token });
        return { model_versions: page.items.map(modelVersionJson), ...(page.nextPageToken === undefined ? {} : { next_page_token: page.nextPageToken }) };
      },
    }),
    defineRoute({
      method: 'GET', url: `${base}/get-download-uri`, access: 'read', api: 'mlflow', summary: 'Where a version\'s files are',
      query: versionKey,
      handler: async ({ principal, query }) => {
        const version = await registry.getModelVersion(principal.projectId, query.name, query.version);
        return { artifact_uri: await registry.downloadUri(principal.projectId, version) };
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/set-tag`, access: 'write', api: 'mlflow', summary: 'Set a model version tag',
      body: z.object({ name: z.string(), version: versionField, key: z.string(), value: z.string() }),
      handler: async ({ principal, body }) => {
        await registry.setModelVersionTag(principal.projectId, body.name, body.version, { key: body.key, value: body.value });
        return {};
      },
    }),
    defineRoute({
      method: 'DELETE', url: `${base}/delete-tag`, access: 'write', api: 'mlflow', summary: 'Delete a model version tag',
      body: z.object({ name: z.string(), version: versionField, key: z.string() }),
      handler: async ({ principal, body }) => {
        await registry.deleteModelVersionTag(principal.projectId, body.name, body.version, body.key);
        return {};
      },
    }),
  ];
}
