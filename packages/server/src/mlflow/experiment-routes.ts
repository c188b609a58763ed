import { z } from 'zod';
import type { AppServices } from '../app-services.ts';
import { defineRoute } from '../http/route-spec.ts';
import { experimentJson } from './mlflow-json.ts';
import { int64, repeated, tagList, viewType } from './mlflow-wire.ts';

const base = '/api/2.0/mlflow/experiments';
const experimentIdBody = z.object({ experiment_id: z.string() });
const searchShape = {
  max_results: int64.optional(),
  page_token: z.string().optional(),
  filter: z.string().optional(),
  order_by: repeated(z.string()).optional(),
  view_type: viewType,
};

export function mlflowExperimentRoutes({ tracking }: AppServices) {
  const search = async (projectId: number, input: { max_results?: number | undefined; page_token?: string | undefined; filter?: string | undefined; order_by?: string[] | undefined; view_type?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL' | undefined }) => {
    const page = await tracking.searchExperiments(projectId, { filter: input.filter, orderBy: input.order_by, viewType: input.view_type, maxResults: input.max_results, pageToken: input.page_token });
    return { experiments: page.items.map(experimentJson), ...(page.nextPageToken === undefined ? {} : { next_page_token: page.nextPageToken }) };
  };
  return [
    defineRoute({
      method: 'POST', url: `${base}/create`, access: 'write', api: 'mlflow', summary: 'Create an experiment',
      body: z.object({ name: z.string(), artifact_location: z.string().optional(), tags: tagList }),
      handler: async ({ principal, body }) => ({ experiment_id: await tracking.createExperiment(principal.projectId, { name: body.name, artifactLocation: body.artifact_location, tags: body.tags }) }),
    }),
    defineRoute({
      method: 'GET', url: `${base}/get`, access: 'read', api: 'mlflow', summary: 'Get an experiment',
      query: experimentIdBody,
      handler: async ({ principal, query }) => ({ experiment: experimentJson(await tracking.getExperiment(principal.projectId, query.experiment_id)) }),
    }),
    defineRoute({
      method: 'GET', url: `${base}/get-by-name`, access: 'read', api: 'mlflow', summary: 'Get an experiment by name',
      query: z.object({ experiment_name: z.string() }),
      handler: async ({ principal, query }) => ({ experiment: experimentJson(await tracking.getExperimentByName(principal.projectId, query.experiment_name)) }),
    }),
    defineRoute({
      method: 'POST', url: `${base}/search`, access: 'read', api: 'mlflow', summary: 'Search experiments',
      body: z.object({ ...searchShape, order_by: z.array(z.string()).optional() }),
      handler: ({ principal, body }) => search(principal.projectId, body),
    }),
    defineRoute({
      method: 'GET', url: `${base}/search`, access: 'read', api: 'mlflow', summary: 'Search experiments',
      query: z.object(searchShape),
      handler: ({ principal, query }) => search(principal.projectId, query),
    }),
    defineRoute({
      method: 'POST', url: `${base}/update`, access: 'write', api: 'mlflow', summary: 'Rename an experiment',
      body: z.object({ experiment_id: z.string(), new_name: z.string() }),
      handler: async ({ principal, body }) => {
        await tracking.renameExperiment(principal.projectId, body.experiment_id, body.new_name);
        return {};
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/delete`, access: 'write', api: 'mlflow', summary: 'Delete an experiment and its runs',
      body: experimentIdBody,
      handler: async ({ principal, body }) => {
        await tracking.deleteExperiment(principal.projectId, body.experiment_id);
        return {};
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/restore`, access: 'write', api: 'mlflow', summary: 'Restore a deleted experiment',
      body: experimentIdBody,
      handler: async ({ principal, body }) => {
        await tracking.restoreExperiment(principal.projectId, body.experiment_id);
        return {};
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/set-experiment-tag`, access: 'write', api: 'mlflow', summary: 'Set an experiment tag',
      body: z.object({ experiment_id: z.string(), key: z.string(), value: z.string() }),
      handler: async ({ principal, body }) => {
        await tracking.setExperimentTag(principal.projectId, body.experiment_id, { key: body.key, value: body.value });
        return {};
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/delete-experiment-tag`, access: 'write', api: 'mlflow', summary: 'Delete an experiment tag',
      body: z.object({ experiment_id: z.string(), key: z.string() }),
      handler: async ({ principal, body }) => {
        await tracking.deleteExperimentTag(principal.projectId, body.experiment_id, body.key);
        return {};
      },
    }),
  ];
}
