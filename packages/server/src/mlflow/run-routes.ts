import { KeelError, runStatuses } from '@keel/spec';
import { z } from 'zod';
import type { AppServices } from '../app-services.ts';
import { defineRoute } from '../http/route-spec.ts';
import { runInfoJson, runJson } from './mlflow-json.ts';
import { int64, pickRunId, runIdentity, tagList, viewType } from './mlflow-wire.ts';

const base = '/api/2.0/mlflow/runs';
const runStatus = z.union([z.enum(runStatuses), z.number().int().min(1).max(5).transform((value) => runStatuses[value - 1] ?? 'RUNNING')]);
const datasetInput = z.object({
  tags: tagList,
  dataset: z.object({ name: z.string(), digest: z.string(), source_type: z.string(), source: z.string(), schema: z.string().optional(), profile: z.string().optional() }),
});

/** JSON text, or undefined when it does not parse. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function mlflowRunRoutes({ tracking, artifacts }: AppServices) {
  return [
    defineRoute({
      method: 'POST', url: `${base}/create`, access: 'write', api: 'mlflow', summary: 'Create a run',
      body: z.object({ experiment_id: z.string().optional(), user_id: z.string().optional(), run_name: z.string().optional(), start_time: int64.optional(), tags: tagList }),
      handler: async ({ principal, body }) => {
        const run = await tracking.createRun(principal.projectId, { experimentId: body.experiment_id ?? '0', runName: body.run_name, userId: body.user_id, startTime: body.start_time, tags: body.tags });
        return { run: runJson(run) };
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/update`, access: 'write', api: 'mlflow', summary: 'Update a run status, end time or name',
      body: z.object({ ...runIdentity, status: runStatus.optional(), end_time: int64.optional(), run_name: z.string().optional() }),
      handler: async ({ principal, body }) => ({ run_info: runInfoJson(await tracking.updateRun(principal.projectId, pickRunId(body), { status: body.status, endTime: body.end_time, runName: body.run_name })) }),
    }),
    defineRoute({
      method: 'POST', url: `${base}/delete`, access: 'write', api: 'mlflow', summary: 'Delete a run',
      body: z.object({ run_id: z.string() }),
      handler: async ({ principal, body }) => {
        await tracking.deleteRun(principal.projectId, body.run_id);
        return {};
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/restore`, access: 'write', api: 'mlflow', summary: 'Restore a deleted run',
      body: z.object({ run_id: z.string() }),
      handler: async ({ principal, body }) => {
        await tracking.restoreRun(principal.projectId, body.run_id);
        return {};
      },
    }),
    defineRoute({
      method: 'GET', url: `${base}/get`, access: 'read', api: 'mlflow', summary: 'Get a run',
      query: z.object(runIdentity),
      handler: async ({ principal, query }) => ({ run: runJson(await tracking.getRun(principal.projectId, pickRunId(query))) }),
    }),
    defineRoute({
      method: 'POST', url: `${base}/search`, access: 'read', api: 'mlflow', summary: 'Search runs with the MLflow filter grammar',
      body: z.object({
        experiment_ids: z.array(z.string()).optional(),
        filter: z.string().optional(),
        run_view_type: viewType,
        max_results: int64.optional(),
        order_by: z.array(z.string()).optional(),
        page_token: z.string().optional(),
      }),
      handler: async ({ principal, body }) => {
        const page = await tracking.searchRuns(principal.projectId, {
          experimentIds: body.experiment_ids ?? [], filter: body.filter, viewType: body.run_view_type, maxResults: body.max_results, orderBy: body.order_by, pageToken: body.page_token,
        });
        return { runs: page.items.map(runJson), ...(page.nextPageToken === undefined ? {} : { next_page_token: page.nextPageToken }) };
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/log-parameter`, access: 'write', api: 'mlflow', summary: 'Log one param',
      body: z.object({ ...runIdentity, key: z.string(), value: z.string() }),
      handler: async ({ principal, body }) => {
        await tracking.logBatch(principal.projectId, pickRunId(body), { params: [{ key: body.key, value: body.value }] });
        return {};
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/set-tag`, access: 'write', api: 'mlflow', summary: 'Set a run tag',
      body: z.object({ ...runIdentity, key: z.string(), value: z.string() }),
      handler: async ({ principal, body }) => {
        await tracking.logBatch(principal.projectId, pickRunId(body), { tags: [{ key: body.key, value: body.value }] });
        return {};
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/delete-tag`, access: 'write', api: 'mlflow', summary: 'Delete a run tag',
      body: z.object({ run_id: z.string(), key: z.string() }),
      handler: async ({ principal, body }) => {
        await tracking.deleteRunTag(principal.projectId, body.run_id, body.key);
        return {};
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/log-model`, access: 'write', api: 'mlflow', summary: 'Record a logged model (MLflow 2.x)',
      body: z.object({ ...runIdentity, model_json: z.string() }),
      handler: async ({ principal, body }) => {
        const runId = pickRunId(body);
        const run = await tracking.getRun(principal.projectId, runId);
        const model = parseJson(body.model_json);
        if (typeof model !== 'object' || model === null || Array.isArray(model)) throw new KeelError('INVALID_PARAMETER_VALUE', 'Malformed model info: model_json must be a JSON object');
        const history = run.data.tags.find((tag) => tag.key === 'mlflow.log-model.history')?.value;
        const entries = history === undefined ? [] : parseJson(history);
        // The tag can be set to anything with set-tag; refuse to build on it rather than fail with a 500.
        if (!Array.isArray(entries)) throw new KeelError('INVALID_PARAMETER_VALUE', "The run's mlflow.log-model.history tag is not a JSON list");
        entries.push(model);
        await tracking.logBatch(principal.projectId, runId, { tags: [{ key: 'mlflow.log-model.history', value: JSON.stringify(entries) }] });
        return {};
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/log-inputs`, access: 'write', api: 'mlflow', summary: 'Log dataset and model inputs',
      body: z.object({ run_id: z.string(), datasets: z.array(datasetInput).optional(), models: z.array(z.object({ model_id: z.string() })).optional() }),
      handler: async ({ principal, body }) => {
        await tracking.logInputs(
          principal.projectId,
          body.run_id,
          (body.datasets ?? []).map((input) => ({
            tags: input.tags ?? [],
            dataset: { name: input.dataset.name, digest: input.dataset.digest, sourceType: input.dataset.source_type, source: input.dataset.source, schema: input.dataset.schema, profile: input.dataset.profile },
          })),
          (body.models ?? []).map((model) => model.model_id),
        );
        return {};
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/outputs`, access: 'write', api: 'mlflow', summary: 'Log model outputs of a run',
      body: z.object({ run_id: z.string(), models: z.array(z.object({ model_id: z.string(), step: int64.optional() })) }),
      handler: async ({ principal, body }) => {
        await tracking.logOutputs(principal.projectId, body.run_id, body.models.map((model) => ({ modelId: model.model_id, step: model.step ?? 0 })));
        return {};
      },
    }),
    defineRoute({
      method: 'GET', url: '/api/2.0/mlflow/artifacts/list', access: 'read', api: 'mlflow', summary: 'List a run\'s artifacts',
      query: z.object({ ...runIdentity, path: z.string().optional(), page_token: z.string().optional() }),
      handler: async ({ principal, query }) => {
        const run = await tracking.getRun(principal.projectId, pickRunId(query));
        const files = await artifacts.runList(principal.projectId, run.info.runId, query.path);
        const prefix = query.path === undefined || query.path === '' ? '' : `${query.path.replace(/\/+$/, '')}/`;
        return { root_uri: run.info.artifactUri, files: files.map((file) => ({ path: `${prefix}${file.path}`, is_dir: file.isDir, ...(file.fileSize === undefined ? {} : { file_size: file.fileSize }) })) };
      },
    }),
  ];
}
