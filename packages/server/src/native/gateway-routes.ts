import {
  KeelError, createdGatewayKeySchema, createGatewayKeySchema, gatewayConfigAnswerSchema, gatewayKeyListSchema, gatewayUsageAnswerSchema, gatewayUsageQuerySchema,
  putGatewayConfigQuerySchema, revokedGatewayKeySchema, type GatewayUsageAnswer, type GatewayUsageRow,
} from '@keel/spec';
import { z } from 'zod';
import type { AppServices } from '../app-services.ts';
import { defineRoute } from '../http/route-spec.ts';

const base = '/api/v1/gateway';
/** The document is validated by the config service, whose errors name the field as `models[0].targets[1].provider`. */
const documentBody = z.record(z.string(), z.unknown()).describe('A gateway configuration document, as under projects.<name>.gateway in keel.config.yaml');

/** `If-Match: "3"` (or `3`, `W/"3"`): the version the write expects. */
function expectedVersionOf(header: string | string[] | undefined, query: number | undefined): number | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  let fromHeader: number | undefined;
  if (text !== undefined && text.trim() !== '') {
    const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(text);
    if (match?.[1] === undefined) throw new KeelError('INVALID_PARAMETER_VALUE', 'If-Match must be the configuration version, e.g. "3"');
    fromHeader = Number(match[1]);
  }
  if (fromHeader !== undefined && query !== undefined && fromHeader !== query) throw new KeelError('INVALID_PARAMETER_VALUE', 'If-Match and expected_version disagree');
  return query ?? fromHeader;
}

const figures = (row: Omit<GatewayUsageRow, 'day' | 'keyName' | 'model'>) => ({
  requests: row.requests,
  errors: row.errors,
  cache_hits: row.cacheHits,
  input_tokens: row.inputTokens,
  output_tokens: row.outputTokens,
  estimated_requests: row.estimatedRequests,
  cost_usd: row.costMicros / 1_000_000,
});

/** Configuration of the LLM gateway: the per-project document, virtual keys, and usage. */
export function nativeGatewayRoutes({ gatewayConfig, gatewayUsage }: AppServices) {
  return [
    defineRoute({
      method: 'GET', url: `${base}/config`, access: 'read', api: 'native', summary: "The project's gateway configuration (credentials redacted) and its version",
      response: gatewayConfigAnswerSchema,
      handler: async ({ principal, reply }) => {
        const answer = await gatewayConfig.getRedacted(principal.projectId);
        void reply.header('etag', `"${answer.version}"`);
        return answer;
      },
    }),
    defineRoute({
      method: 'PUT', url: `${base}/config`, access: 'admin', api: 'native', summary: 'Replace the gateway configuration (expected_version or If-Match guard against lost updates)',
      body: documentBody, query: putGatewayConfigQuerySchema, response: gatewayConfigAnswerSchema,
      handler: async ({ principal, body, query, request, reply }) => {
        const answer = await gatewayConfig.put(principal.projectId, body, expectedVersionOf(request.headers['if-match'], query.expected_version));
        void reply.header('etag', `"${answer.version}"`);
        return answer;
      },
    }),
    defineRoute({
      method: 'GET', url: `${base}/keys`, access: 'read', api: 'native', summary: 'Virtual keys of the project (never their secrets)',
      response: gatewayKeyListSchema,
      handler: async ({ principal }) => ({ keys: await gatewayConfig.listKeys(principal.projectId) }),
    }),
    defineRoute({
      method: 'POST', url: `${base}/keys`, access: 'admin', api: 'native', summary: 'Issue a virtual key; its secret is in this answer only',
      body: createGatewayKeySchema, response: createdGatewayKeySchema,
      handler: async ({ principal, body, reply }) => reply.status(201).send(await gatewayConfig.createKey(principal.projectId, body)),
    }),
    defineRoute({
      method: 'DELETE', url: `${base}/keys/:name`, access: 'admin', api: 'native', summary: 'Revoke the live virtual key of that name',
      params: z.object({ name: z.string() }), response: revokedGatewayKeySchema,
      handler: async ({ principal, params }) => {
        await gatewayConfig.revokeKey(principal.projectId, params.name);
        return { revoked: params.name };
      },
    }),
    defineRoute({
      method: 'GET', url: `${base}/usage`, access: 'read', api: 'native', summary: 'Requests, tokens and cost (USD) by day, key and model',
      query: gatewayUsageQuerySchema, response: gatewayUsageAnswerSchema,
      handler: async ({ principal, query }): Promise<GatewayUsageAnswer> => {
        const groupBy = query.group_by ?? ['day'];
        const { fromDay, toDay, rows } = await gatewayUsage.query({ projectId: principal.projectId, fromDay: query.from, toDay: query.to, groupBy, keyName: query.key, model: query.model });
        const totals = { requests: 0, errors: 0, cacheHits: 0, inputTokens: 0, outputTokens: 0, estimatedRequests: 0, costMicros: 0 };
        for (const row of rows) for (const field of Object.keys(totals) as (keyof typeof totals)[]) totals[field] += row[field];
        return {
          from: fromDay,
          to: toDay,
          group_by: groupBy,
          rows: rows.map((row) => ({ ...(row.day === null ? {} : { day: row.day }), ...(row.keyName === null ? {} : { key: row.keyName }), ...(row.model === null ? {} : { model: row.model }), ...figures(row) })),
          totals: figures(totals),
        };
      },
    }),
  ];
}
