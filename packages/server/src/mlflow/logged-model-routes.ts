import { z } from 'zod';
import type { AppServices } from '../app-services.ts';
import { defineRoute } from '../http/route-spec.ts';
import { loggedModelJson } from './mlflow-json.ts';
import { int64, keyValue, tagList } from './mlflow-wire.ts';

const base = '/api/2.0/mlflow/logged-models';
const modelIdParams = z.object({ model_id: z.string() });
const loggedModelStatus = z.union([
  z.enum(['LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED']),
  z.union([z.literal(1), z.literal(2), z.literal(3)]).transform((value) => (['LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED'] as const)[value - 1] ?? 'LOGGED_MODEL_PENDING'),
]);

/** The MLflow 3 logged-model endpoints that `log_model` and `register_model` call. */
export function mlflowLoggedModelRoutes({ registry }: AppServices) {
  return [
    defineRoute({
      method: 'POST', url: base, access: 'write', api: 'mlflow', summary: 'Create a logged model (MLflow 3)',
      body: z.object({ experiment_id: z.string(), name: z.string().optional(), source_run_id: z.string().optional(), params: z.array(keyValue).optional(), tags: tagList, model_type: z.string().optional() }),
      handler: async ({ principal, body }) => {
        const model = await registry.createLoggedModel(
          principal.projectId,
          { experimentId: body.experiment_id, name: body.name, sourceRunId: body.source_run_id, modelType: body.model_type, tags: body.tags, params: body.params },
          principal.keyId,
        );
        return { model: loggedModelJson(model) };
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/search`, access: 'read', api: 'mlflow', summary: 'Search logged models',
      body: z.object({ experiment_ids: z.array(z.string()).optional(), max_results: int64.optional(), page_token: z.string().optional(), filter: z.string().optional() }),
      handler: async ({ principal, body }) => {
        const page = await registry.searchLoggedModels(principal.projectId, body.experiment_ids ?? [], body.max_results ?? 100, body.page_token);
        return { models: page.items.map(loggedModelJson), ...(page.nextPageToken === undefined ? {} : { next_page_token: page.nextPageToken }) };
      },
    }),
    defineRoute({
      method: 'GET', url: `${base}/:model_id`, access: 'read', api: 'mlflow', summary: 'Get a logged model',
      params: modelIdParams,
      handler: async ({ principal, params }) => ({ model: loggedModelJson(await registry.getLoggedModel(principal.projectId, params.model_id)) }),
    }),
    defineRoute({
      method: 'PATCH', url: `${base}/:model_id`, access: 'write', api: 'mlflow', summary: 'Finalize a logged model',
      params: modelIdParams,
      body: z.object({ model_id: z.string().optional(), status: loggedModelStatus }),
      handler: async ({ principal, params, body }) => ({ model: loggedModelJson(await registry.finalizeLoggedModel(principal.projectId, params.model_id, body.status)) }),
    }),
    defineRoute({
      method: 'DELETE', url: `${base}/:model_id`, access: 'write', api: 'mlflow', summary: 'Delete a logged model',
      params: modelIdParams,
      handler: async ({ principal, params }) => {
        await registry.deleteLoggedModel(principal.projectId, params.model_id);
        return {};
      },
    }),
    defineRoute({
      method: 'PATCH', url: `${base}/:model_id/tags`, access: 'write', api: 'mlflow', summary: 'Set logged model tags',
      params: modelIdParams,
      body: z.object({ model_id: z.string().optional(), tags: z.array(keyValue) }),
      handler: async ({ principal, params, body }) => {
        await registry.setLoggedModelTags(principal.projectId, params.model_id, body.tags);
        return {};
      },
    }),
    defineRoute({
      method: 'DELETE', url: `${base}/:model_id/tags/:tag_key`, access: 'write', api: 'mlflow', summary: 'Delete a logged model tag',
      params: z.object({ model_id: z.string(), tag_key: z.string() }),
      handler: async ({ principal, params }) => {
        await registry.deleteLoggedModelTag(principal.projectId, params.model_id, params.tag_key);
        return {};
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/:model_id/params`, access: 'write', api: 'mlflow', summary: 'Log logged-model params beyond the first 100',
      params: modelIdParams,
      body: z.object({ model_id: z.string().optional(), params: z.array(keyValue) }),
      handler: async ({ principal, params, body }) => {
        await registry.logLoggedModelParams(principal.projectId, params.model_id, body.params);
        return {};
      },
    }),
  ];
}
