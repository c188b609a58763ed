import {
  createPromptSchema, deletedPromptLabelSchema, getPromptQuerySchema, listPromptsQuerySchema, promptDiffQuerySchema, promptDiffSchema, promptHistoryQuerySchema, promptLabelHistorySchema,
  promptSummaryPageSchema, promptUsageQuerySchema, promptUsageSchema, promptVersionPageSchema, promptVersionSchema, setPromptLabelResultSchema, setPromptLabelSchema,
} from '@keel/spec';
import { z } from 'zod';
import type { AppServices } from '../app-services.ts';
import { defineRoute } from '../http/route-spec.ts';

const base = '/api/v1/prompts';
const nameParams = z.object({ name: z.string() });
const labelParams = z.object({ name: z.string(), label: z.string() });

/** The prompt registry: immutable numbered versions, movable labels, diffs and usage per version. */
export function nativePromptRoutes({ prompts }: AppServices) {
  return [
    defineRoute({
      method: 'POST', url: base, access: 'write', api: 'native', summary: 'Create the next version of a prompt (and the prompt, when new)',
      body: createPromptSchema, response: promptVersionSchema,
      handler: async ({ principal, body, reply }) => {
        const content = body.type === 'text' ? { type: 'text' as const, template: body.template } : { type: 'chat' as const, messages: body.messages };
        const created = await prompts.createVersion(principal.projectId, { ...body, content }, principal.keyId);
        return reply.status(201).send(created);
      },
    }),
    defineRoute({
      method: 'GET', url: base, access: 'read', api: 'native', summary: 'Prompts by name, with their latest version and labels',
      query: listPromptsQuerySchema, response: promptSummaryPageSchema,
      handler: ({ principal, query }) => prompts.listPrompts(principal.projectId, query),
    }),
    defineRoute({
      method: 'GET', url: `${base}/:name`, access: 'read', api: 'native', summary: 'A prompt version by label or version (latest when neither is given)',
      params: nameParams, query: getPromptQuerySchema, response: promptVersionSchema,
      handler: ({ principal, params, query }) => prompts.getVersion(principal.projectId, params.name, query),
    }),
    defineRoute({
      method: 'GET', url: `${base}/:name/versions`, access: 'read', api: 'native', summary: 'Versions of a prompt, newest first',
      params: nameParams, query: listPromptsQuerySchema, response: promptVersionPageSchema,
      handler: ({ principal, params, query }) => prompts.listVersions(principal.projectId, params.name, query),
    }),
    defineRoute({
      method: 'PUT', url: `${base}/:name/labels/:label`, access: 'write', api: 'native', summary: 'Point a label at a version (deploy or roll back)',
      params: labelParams, body: setPromptLabelSchema, response: setPromptLabelResultSchema,
      handler: ({ principal, params, body }) => prompts.setLabel(principal.projectId, params.name, params.label, body.version, principal.keyId),
    }),
    defineRoute({
      method: 'DELETE', url: `${base}/:name/labels/:label`, access: 'write', api: 'native', summary: 'Remove a label',
      params: labelParams, response: deletedPromptLabelSchema,
      handler: async ({ principal, params }) => {
        await prompts.deleteLabel(principal.projectId, params.name, params.label, principal.keyId);
        return { deleted: params.label };
      },
    }),
    defineRoute({
      method: 'GET', url: `${base}/:name/history`, access: 'read', api: 'native', summary: 'Label moves: who, when, from which version to which (newest first)',
      params: nameParams, query: promptHistoryQuerySchema, response: promptLabelHistorySchema,
      handler: async ({ principal, params, query }) => ({ items: await prompts.labelHistory(principal.projectId, params.name, query) }),
    }),
    defineRoute({
      method: 'GET', url: `${base}/:name/diff`, access: 'read', api: 'native', summary: 'What changed between two versions: template lines, variables, config',
      params: nameParams, query: promptDiffQuerySchema, response: promptDiffSchema,
      handler: ({ principal, params, query }) => prompts.diff(principal.projectId, params.name, query.from, query.to),
    }),
    defineRoute({
      method: 'GET', url: `${base}/:name/usage`, access: 'read', api: 'native', summary: 'Calls, tokens, cost, latency and scores per version, from traces that name the prompt',
      params: nameParams, query: promptUsageQuerySchema, response: promptUsageSchema,
      handler: ({ principal, params, query }) => prompts.usage(principal.projectId, params.name, query),
    }),
  ];
}
