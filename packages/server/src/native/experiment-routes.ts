import { createExperimentSchema, searchExperimentsQuerySchema, setTagSchema, updateExperimentSchema } from '@keel/spec';
import { z } from 'zod';
import type { AppServices } from '../app-services.ts';
import { defineRoute } from '../http/route-spec.ts';

const base = '/api/v1/experiments';
const idParams = z.object({ experimentId: z.string() });
const asList = (value: string | string[] | undefined): string[] | undefined => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);

export function nativeExperimentRoutes({ tracking }: AppServices) {
  return [
    defineRoute({
      method: 'GET', url: base, access: 'read', api: 'native', summary: 'Search experiments',
      query: searchExperimentsQuerySchema,
      handler: ({ principal, query }) =>
        tracking.searchExperiments(principal.projectId, { filter: query.filter, orderBy: asList(query.orderBy), viewType: query.viewType, maxResults: query.maxResults, pageToken: query.pageToken }),
    }),
    defineRoute({
      method: 'POST', url: base, access: 'write', api: 'native', summary: 'Create an experiment',
      body: createExperimentSchema,
      handler: async ({ principal, body, reply }) => {
        const experimentId = await tracking.createExperiment(principal.projectId, body);
        return reply.status(201).send(await tracking.getExperiment(principal.projectId, experimentId));
      },
    }),
    defineRoute({
      method: 'GET', url: `${base}/by-name/:name`, access: 'read', api: 'native', summary: 'Get an experiment by name',
      params: z.object({ name: z.string() }),
      handler: ({ principal, params }) => tracking.getExperimentByName(principal.projectId, params.name),
    }),
    defineRoute({
      method: 'GET', url: `${base}/:experimentId`, access: 'read', api: 'native', summary: 'Get an experiment',
      params: idParams,
      handler: ({ principal, params }) => tracking.getExperiment(principal.projectId, params.experimentId),
    }),
    defineRoute({
      method: 'PATCH', url: `${base}/:experimentId`, access: 'write', api: 'native', summary: 'Rename an experiment',
      params: idParams, body: updateExperimentSchema,
      handler: async ({ principal, params, body }) => {
        await tracking.renameExperiment(principal.projectId, params.experimentId, body.name);
        return tracking.getExperiment(principal.projectId, params.experimentId);
      },
    }),
    defineRoute({
      method: 'DELETE', url: `${base}/:experimentId`, access: 'write', api: 'native', summary: 'Delete an experiment and its runs (restorable)',
      params: idParams,
      handler: async ({ principal, params }) => {
        await tracking.deleteExperiment(principal.projectId, params.experimentId);
        return tracking.getExperiment(principal.projectId, params.experimentId);
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/:experimentId/restore`, access: 'write', api: 'native', summary: 'Restore a deleted experiment and its runs',
      params: idParams,
      handler: async ({ principal, params }) => {
        await tracking.restoreExperiment(principal.projectId, params.experimentId);
        return tracking.getExperiment(principal.projectId, params.experimentId);
      },
    }),
    defineRoute({
      method: 'PUT', url: `${base}/:experimentId/tags/:key`, access: 'write', api: 'native', summary: 'Set an experiment tag',
      params: z.object({ experimentId: z.string(), key: z.string() }), body: setTagSchema,
      handler: async ({ principal, params, body }) => {
        await tracking.setExperimentTag(principal.projectId, params.experimentId, { key: params.key, value: body.value });
        return tracking.getExperiment(principal.projectId, params.experimentId);
      },
    }),
    defineRoute({
      method: 'DELETE', url: `${base}/:experimentId/tags/:key`, access: 'write', api: 'native', summary: 'Delete an experiment tag',
      params: z.object({ experimentId: z.string(), key: z.string() }),
      handler: async ({ principal, params }) => {
        await tracking.deleteExperimentTag(principal.projectId, params.experimentId, params.key);
        return tracking.getExperiment(principal.projectId, params.experimentId);
      },
    }),
  ];
}
