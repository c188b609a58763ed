import type { Readable } from 'node:stream';
import { createRunSchema, fromWireValue, logBatchSchema, logInputsSchema, metricHistoryQuerySchema, searchRunsSchema, updateRunSchema } from '@keel/spec';
import { z } from 'zod';
import type { AppServices } from '../app-services.ts';
import { defineRoute } from '../http/route-spec.ts';
import { sendArtifact } from '../http/send-artifact.ts';
import { wireMetric, wireRun } from './wire-run.ts';

const base = '/api/v1/runs';
const runParams = z.object({ runId: z.string() });
const artifactParams = z.object({ runId: z.string(), '*': z.string() });

export function nativeRunRoutes({ tracking, artifacts, registry, metrics }: AppServices) {
  return [
    defineRoute({
      method: 'POST', url: base, access: 'write', api: 'native', summary: 'Start a run',
      body: createRunSchema,
      handler: async ({ principal, body, reply }) => reply.status(201).send(wireRun(await tracking.createRun(principal.projectId, body))),
    }),
    defineRoute({
      method: 'POST', url: `${base}/search`, access: 'read', api: 'native', summary: 'Search runs with the MLflow filter grammar',
      body: searchRunsSchema,
      handler: async ({ principal, body }) => {
        const page = await tracking.searchRuns(principal.projectId, body);
        return { items: page.items.map(wireRun), nextPageToken: page.nextPageToken };
      },
    }),
    defineRoute({
      method: 'GET', url: `${base}/:runId`, access: 'read', api: 'native', summary: 'Get a run',
      params: runParams,
      handler: async ({ principal, params }) => wireRun(await tracking.getRun(principal.projectId, params.runId)),
    }),
    defineRoute({
      method: 'PATCH', url: `${base}/:runId`, access: 'write', api: 'native', summary: 'Set a run\'s status, end time or name',
      params: runParams, body: updateRunSchema,
      handler: async ({ principal, params, body }) => {
        await tracking.updateRun(principal.projectId, params.runId, body);
        return wireRun(await tracking.getRun(principal.projectId, params.runId));
      },
    }),
    defineRoute({
      method: 'DELETE', url: `${base}/:runId`, access: 'write', api: 'native', summary: 'Delete a run (restorable)',
      params: runParams,
      handler: async ({ principal, params }) => {
        await tracking.deleteRun(principal.projectId, params.runId);
        return wireRun(await tracking.getRun(principal.projectId, params.runId));
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/:runId/restore`, access: 'write', api: 'native', summary: 'Restore a deleted run',
      params: runParams,
      handler: async ({ principal, params }) => {
        await tracking.restoreRun(principal.projectId, params.runId);
        return wireRun(await tracking.getRun(principal.projectId, params.runId));
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/:runId/log`, access: 'write', api: 'native', summary: 'Log metrics, params and tags in one transaction',
      params: runParams, body: logBatchSchema,
      handler: async ({ principal, params, body }) => {
        const batchMetrics = (body.metrics ?? []).map((metric) => ({ ...metric, value: fromWireValue(metric.value) }));
        await tracking.logBatch(principal.projectId, params.runId, { metrics: batchMetrics, params: body.params ?? [], tags: body.tags ?? [] });
        metrics.ingested('metrics', batchMetrics.length);
        return { metrics: batchMetrics.length, params: body.params?.length ?? 0, tags: body.tags?.length ?? 0 };
      },
    }),
    defineRoute({
      method: 'DELETE', url: `${base}/:runId/tags/:key`, access: 'write', api: 'native', summary: 'Delete a run tag',
      params: z.object({ runId: z.string(), key: z.string() }),
      handler: async ({ principal, params }) => {
        await tracking.deleteRunTag(principal.projectId, params.runId, params.key);
        return wireRun(await tracking.getRun(principal.projectId, params.runId));
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/:runId/inputs`, access: 'write', api: 'native', summary: 'Log dataset inputs',
      params: runParams, body: logInputsSchema,
      handler: async ({ principal, params, body }) => {
        await tracking.logInputs(principal.projectId, params.runId, body.datasets, []);
        return wireRun(await tracking.getRun(principal.projectId, params.runId));
      },
    }),
    defineRoute({
      method: 'GET', url: `${base}/:runId/metrics/:key`, access: 'read', api: 'native', summary: 'Metric history; with maxPoints, downsampled keeping extremes',
      params: z.object({ runId: z.string(), key: z.string() }), query: metricHistoryQuerySchema,
      handler: async ({ principal, params, query }) => {
        const page = await tracking.getMetricHistory(principal.projectId, params.runId, params.key, query);
        return { items: page.items.map(wireMetric), nextPageToken: page.nextPageToken };
      },
    }),
    defineRoute({
      method: 'GET', url: `${base}/:runId/model-versions`, access: 'read', api: 'native', summary: 'Model versions registered from this run',
      params: runParams,
      handler: async ({ principal, params }) => ({ items: await registry.runModelVersions(principal.projectId, params.runId) }),
    }),
    defineRoute({
      method: 'GET', url: `${base}/:runId/artifacts`, access: 'read', api: 'native', summary: 'List a run\'s artifacts under a path',
      params: runParams, query: z.object({ path: z.string().optional() }),
      handler: async ({ principal, params, query }) => ({ files: await artifacts.runList(principal.projectId, params.runId, query.path) }),
    }),
    defineRoute({
      method: 'PUT', url: `${base}/:runId/artifacts/*`, access: 'write', api: 'native', summary: 'Upload an artifact (raw body, streamed)', rawBody: true,
      params: artifactParams,
      handler: async ({ principal, params, request }) => {
        const { size } = await artifacts.runUpload(principal.projectId, params.runId, params['*'], request.body as Readable);
        metrics.ingested('artifact_bytes', size);
        return { path: params['*'], size };
      },
    }),
    defineRoute({
      method: 'GET', url: `${base}/:runId/artifacts/*`, access: 'read', api: 'native', summary: 'Download an artifact (streamed)',
      params: artifactParams,
      handler: async ({ principal, params, reply }) => sendArtifact(reply, params['*'], await artifacts.runDownload(principal.projectId, params.runId, params['*'])),
    }),
    defineRoute({
      method: 'DELETE', url: `${base}/:runId/artifacts/*`, access: 'write', api: 'native', summary: 'Delete an artifact or directory',
      params: artifactParams,
      handler: async ({ principal, params }) => {
        await artifacts.runDelete(principal.projectId, params.runId, params['*']);
        return { deleted: params['*'] };
      },
    }),
  ];
}
