import { createModelVersionSchema, createRegisteredModelSchema, historyQuerySchema, searchQuerySchema, setAliasSchema, setTagSchema, updateModelVersionSchema, updateRegisteredModelSchema, type RegistryEventAction } from '@keel/spec';
import { z } from 'zod';
import type { AppServices } from '../app-services.ts';
import { defineRoute } from '../http/route-spec.ts';
import { wireRun } from './wire-run.ts';

const base = '/api/v1/models';
const nameParams = z.object({ name: z.string() });
const versionParams = z.object({ name: z.string(), version: z.string() });
const asList = (value: string | string[] | undefined): string[] | undefined => (value === undefined ? undefined : Array.isArray(value) ? value : [value]);
const quote = (value: string): string => `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

export function nativeModelRoutes({ registry }: AppServices) {
  return [
    defineRoute({
      method: 'GET', url: base, access: 'read', api: 'native', summary: 'Search registered models',
      query: searchQuerySchema,
      handler: ({ principal, query }) => registry.searchRegisteredModels(principal.projectId, { ...query, orderBy: asList(query.orderBy) }),
    }),
    defineRoute({
      method: 'POST', url: base, access: 'write', api: 'native', summary: 'Create a registered model',
      body: createRegisteredModelSchema,
      handler: async ({ principal, body, reply }) => reply.status(201).send(await registry.createRegisteredModel(principal.projectId, body, principal.keyId)),
    }),
    defineRoute({
      method: 'GET', url: `${base}/:name`, access: 'read', api: 'native', summary: 'Get a registered model',
      params: nameParams,
      handler: ({ principal, params }) => registry.getRegisteredModel(principal.projectId, params.name),
    }),
    defineRoute({
      method: 'PATCH', url: `${base}/:name`, access: 'write', api: 'native', summary: 'Rename or describe a registered model',
      params: nameParams, body: updateRegisteredModelSchema,
      handler: async ({ principal, params, body }) => {
        let name = params.name;
        if (body.name !== undefined && body.name !== name) name = (await registry.renameRegisteredModel(principal.projectId, name, body.name, principal.keyId)).name;
        if (body.description !== undefined) await registry.updateRegisteredModel(principal.projectId, name, body.description, principal.keyId);
        return registry.getRegisteredModel(principal.projectId, name);
      },
    }),
    defineRoute({
      method: 'DELETE', url: `${base}/:name`, access: 'write', api: 'native', summary: 'Delete a registered model and its versions',
      params: nameParams,
      handler: async ({ principal, params }) => {
        await registry.deleteRegisteredModel(principal.projectId, params.name, principal.keyId);
        return { deleted: params.name };
      },
    }),
    defineRoute({
      method: 'PUT', url: `${base}/:name/tags/:key`, access: 'write', api: 'native', summary: 'Set a registered model tag',
      params: z.object({ name: z.string(), key: z.string() }), body: setTagSchema,
      handler: async ({ principal, params, body }) => {
        await registry.setRegisteredModelTag(principal.projectId, params.name, { key: params.key, value: body.value });
        return registry.getRegisteredModel(principal.projectId, params.name);
      },
    }),
    defineRoute({
      method: 'DELETE', url: `${base}/:name/tags/:key`, access: 'write', api: 'native', summary: 'Delete a registered model tag',
      params: z.object({ name: z.string(), key: z.string() }),
      handler: async ({ principal, params }) => {
        await registry.deleteRegisteredModelTag(principal.projectId, params.name, params.key);
        return registry.getRegisteredModel(principal.projectId, params.name);
      },
    }),
    defineRoute({
      method: 'GET', url: `${base}/:name/versions`, access: 'read', api: 'native', summary: 'Versions of a registered model, newest first',
      params: nameParams, query: searchQuerySchema,
      handler: async ({ principal, params, query }) => {
        await registry.getRegisteredModel(principal.projectId, params.name);
        const filter = [`name = ${quote(params.name)}`, ...(query.filter === undefined || query.filter.trim() === '' ? [] : [query.filter])].join(' AND ');
        return registry.searchModelVersions(principal.projectId, { filter, orderBy: asList(query.orderBy) ?? ['version_number DESC'], maxResults: query.maxResults, pageToken: query.pageToken });
      },
    }),
    defineRoute({
      method: 'POST', url: `${base}/:name/versions`, access: 'write', api: 'native', summary: 'Register a version from a run artifact path or a runs:/ or models:/ URI',
      params: nameParams, body: createModelVersionSchema,
      handler: async ({ principal, params, body, reply }) => {
        const source = body.source ?? `runs:/${body.runId ?? ''}/${(body.artifactPath ?? '').replace(/^\/+/, '')}`.replace(/\/$/, '');
        const version = await registry.createModelVersion(principal.projectId, params.name, { source, runId: body.runId, modelId: body.modelId, description: body.description, tags: body.tags }, principal.keyId);
        return reply.status(201).send(version);
      },
    }),
    defineRoute({
      method: 'GET', url: `${base}/:name/versions/:version`, access: 'read', api: 'native', summary: 'Get a model version',
      params: versionParams,
      handler: ({ principal, params }) => registry.getModelVersion(principal.projectId, params.name, params.version),
    }),
    defineRoute({
      method: 'PATCH', url: `${base}/:name/versions/:version`, access: 'write', api: 'native', summary: 'Describe a model version',
      params: versionParams, body: updateModelVersionSchema,
      handler: ({ principal, params, body }) => registry.updateModelVersion(principal.projectId, params.name, params.version, { description: body.description }, principal.keyId),
    }),
    defineRoute({
      method: 'DELETE', url: `${base}/:name/versions/:version`, access: 'write', api: 'native', summary: 'Delete a model version',
      params: versionParams,
      handler: async ({ principal, params }) => {
        await registry.deleteModelVersion(principal.projectId, params.name, params.version, principal.keyId);
        return { deleted: `${params.name}/${params.version}` };
      },
    }),
    defineRoute({
      method: 'PUT', url: `${base}/:name/versions/:version/tags/:key`, access: 'write', api: 'native', summary: 'Set a model version tag',
      params: z.object({ name: z.string(), version: z.string(), key: z.string() }), body: setTagSchema,
      handler: async ({ principal, params, body }) => {
        await registry.setModelVersionTag(principal.projectId, params.name, params.version, { key: params.key, value: body.value });
        return registry.getModelVersion(principal.projectId, params.name, params.version);
      },
    }),
    defineRoute({
      method: 'DELETE', url: `${base}/:name/versions/:version/tags/:key`, access: 'write', api: 'native', summary: 'Delete a model version tag',
      params: z.object({ name: z.string(), version: z.string(), key: z.string() }),
      handler: async ({ principal, params }) => {
        await registry.deleteModelVersionTag(principal.projectId, params.name, params.version, params.key);
        return registry.getModelVersion(principal.projectId, params.name, params.version);
      },
    }),
    defineRoute({
      method: 'GET', url: `${base}/:name/versions/:version/lineage`, access: 'read', api: 'native', summary: 'Version -> run -> experiment',
      params: versionParams,
      handler: async ({ principal, params }) => {
        const lineage = await registry.lineage(principal.projectId, params.name, params.version);
        return { modelVersion: lineage.modelVersion, run: lineage.run === undefined ? null : wireRun(lineage.run), experiment: lineage.experiment ?? null, loggedModel: lineage.loggedModel ?? null };
      },
    }),
    defineRoute({
      method: 'PUT', url: `${base}/:name/aliases/:alias`, access: 'write', api: 'native', summary: 'Point an alias at a version (deploy or roll back)',
      params: z.object({ name: z.string(), alias: z.string() }), body: setAliasSchema,
      handler: async ({ principal, params, body }) => {
        await registry.setAlias(principal.projectId, params.name, params.alias, body.version, principal.keyId);
        return registry.resolveAlias(principal.projectId, params.name, params.alias);
      },
    }),
    defineRoute({
      method: 'GET', url: `${base}/:name/aliases/:alias`, access: 'read', api: 'native', summary: 'Resolve an alias to its version',
      params: z.object({ name: z.string(), alias: z.string() }),
      handler: ({ principal, params }) => registry.resolveAlias(principal.projectId, params.name, params.alias),
    }),
    defineRoute({
      method: 'DELETE', url: `${base}/:name/aliases/:alias`, access: 'write', api: 'native', summary: 'Delete an alias',
      params: z.object({ name: z.string(), alias: z.string() }),
      handler: async ({ principal, params }) => {
        await registry.deleteAlias(principal.projectId, params.name, params.alias, principal.keyId);
        return { deleted: params.alias };
      },
    }),
    defineRoute({
      method: 'GET', url: `${base}/:name/history`, access: 'read', api: 'native', summary: 'Who changed versions and aliases, and when (newest first)',
      params: nameParams, query: historyQuerySchema,
      handler: async ({ principal, params, query }) => ({ items: await registry.history(principal.projectId, params.name, { limit: query.limit, action: query.action as RegistryEventAction | undefined }) }),
    }),
  ];
}
