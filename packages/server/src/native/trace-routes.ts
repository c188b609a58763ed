import {
  aggregateQuerySchema,
  costTotalsQuerySchema,
  createScoreSchema,
  listSessionsQuerySchema,
  listTracesQuerySchema,
  sessionTracesQuerySchema,
  traceIdSchema,
  traceSettingsSchema,
} from '@keel/spec';
import { z } from 'zod';
import type { AppServices } from '../app-services.ts';
import { defineRoute } from '../http/route-spec.ts';
import { wireSpanNode, wireTraceSummary } from './wire-trace.ts';

const traceParams = z.object({ traceId: traceIdSchema });
const window = (query: { from: number; to: number }) => ({ fromUs: query.from * 1000, toUs: query.to * 1000 });

export function nativeTraceRoutes({ traces, traceIngest }: AppServices) {
  return [
    defineRoute({
      method: 'GET', url: '/api/v1/traces', access: 'read', api: 'native', summary: 'List traces in a time window (from, to required), newest first, with filters',
      query: listTracesQuerySchema,
      handler: async ({ principal, query }) => {
        const { from, to, ...filters } = query;
        const page = await traces.listTraces(principal.projectId, { ...filters, ...window({ from, to }) });
        return { items: page.items.map(wireTraceSummary), nextPageToken: page.nextPageToken };
      },
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/traces/:traceId', access: 'read', api: 'native', summary: 'Get a trace as a span tree, with its scores',
      params: traceParams,
      handler: async ({ principal, params }) => {
        const detail = await traces.getTrace(principal.projectId, params.traceId);
        return { trace: wireTraceSummary(detail.trace), spans: detail.spans.map(wireSpanNode), scores: detail.scores };
      },
    }),
    defineRoute({
      method: 'POST', url: '/api/v1/traces/:traceId/scores', access: 'write', api: 'native', summary: 'Score a trace or one of its spans',
      params: traceParams, body: createScoreSchema,
      handler: async ({ principal, params, body, reply }) => reply.status(201).send(await traces.createScore(principal.projectId, params.traceId, body, principal.keyId)),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/traces/:traceId/scores', access: 'read', api: 'native', summary: 'The scores of a trace and its spans',
      params: traceParams,
      handler: async ({ principal, params }) => ({ scores: await traces.listScores(principal.projectId, params.traceId) }),
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/sessions', access: 'read', api: 'native', summary: 'Sessions (traces grouped by session id) active in a time window',
      query: listSessionsQuerySchema,
      handler: async ({ principal, query }) => {
        const { from, to, ...rest } = query;
        return traces.listSessions(principal.projectId, { ...rest, ...window({ from, to }) });
      },
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/sessions/:sessionId/traces', access: 'read', api: 'native', summary: 'The traces of one session, in order',
      params: z.object({ sessionId: z.string().min(1).max(1000) }), query: sessionTracesQuerySchema,
      handler: async ({ principal, params, query }) => {
        const page = await traces.getSessionTraces(principal.projectId, params.sessionId, query);
        return { items: page.items.map(wireTraceSummary), nextPageToken: page.nextPageToken };
      },
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/trace-metrics', access: 'read', api: 'native', summary: 'Generation count, tokens, cost and latency percentiles grouped by model, provider, user, prompt version, day or gateway key',
      query: aggregateQuerySchema,
      handler: async ({ principal, query }) => {
        const { from, to, ...rest } = query;
        return { groupBy: query.groupBy, rows: await traces.aggregate(principal.projectId, { ...rest, ...window({ from, to }) }) };
      },
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/trace-costs', access: 'read', api: 'native', summary: 'Generation count, tokens and cost grouped by one or two of model, provider, user, prompt_version, day (e.g. groupBy=model,day)',
      query: costTotalsQuerySchema,
      handler: async ({ principal, query }) => {
        const { from, to, ...rest } = query;
        return { groupBy: query.groupBy, rows: await traces.costTotals(principal.projectId, { ...rest, ...window({ from, to }) }) };
      },
    }),
    defineRoute({
      method: 'GET', url: '/api/v1/trace-settings', access: 'read', api: 'native', summary: "The project's tracing settings: retention, PII masking, price overrides",
      handler: ({ principal }) => traces.getSettings(principal.projectId),
    }),
    defineRoute({
      method: 'PUT', url: '/api/v1/trace-settings', access: 'admin', api: 'native', summary: "Replace the project's tracing settings",
      body: traceSettingsSchema,
      handler: async ({ principal, body }) => {
        const saved = await traces.setSettings(principal.projectId, body);
        traceIngest.invalidateSettings(principal.projectId);
        return saved;
      },
    }),
  ];
}
