import { z } from 'zod';
import type { AppServices } from '../app-services.ts';
import { defineRoute } from '../http/route-spec.ts';
import { metricJson } from './mlflow-json.ts';
import { double, int64, keyValue, pickRunId, repeated, runIdentity } from './mlflow-wire.ts';
import { readWireMetricList } from './wire-metric-list.ts';

const metricShape = { key: z.string(), value: double, timestamp: int64, step: int64.optional() };

export function mlflowMetricRoutes({ tracking, metrics }: AppServices) {
  return [
    defineRoute({
      method: 'POST', url: '/api/2.0/mlflow/runs/log-metric', access: 'write', api: 'mlflow', summary: 'Log one metric value',
      body: z.object({ ...runIdentity, ...metricShape, model_id: z.string().optional(), dataset_name: z.string().optional(), dataset_digest: z.string().optional() }),
      handler: async ({ principal, body }) => {
        await tracking.logBatch(principal.projectId, pickRunId(body), { metrics: [{ key: body.key, value: body.value, timestamp: body.timestamp, step: body.step ?? 0 }] });
        metrics.ingested('metrics', 1);
        return {};
      },
    }),
    defineRoute({
      method: 'POST', url: '/api/2.0/mlflow/runs/log-batch', access: 'write', api: 'mlflow', summary: 'Log metrics, params and tags in one transaction',
      // The metrics are read by the handler (readWireMetricList says why), after the schema.
      body: z.object({ run_id: z.string(), metrics: z.unknown().optional(), params: z.array(keyValue).optional(), tags: z.array(keyValue).optional() }),
      handler: async ({ principal, body }) => {
        const batchMetrics = body.metrics === undefined ? [] : readWireMetricList(body.metrics, ['metrics']);
        await tracking.logBatch(principal.projectId, body.run_id, { metrics: batchMetrics, params: body.params ?? [], tags: body.tags ?? [] });
        metrics.ingested('metrics', batchMetrics.length);
        metrics.ingested('params', body.params?.length ?? 0);
        metrics.ingested('tags', body.tags?.length ?? 0);
        return {};
      },
    }),
    defineRoute({
      method: 'GET', url: '/api/2.0/mlflow/metrics/get-history', access: 'read', api: 'mlflow', summary: 'A metric\'s history, paginated',
      query: z.object({ ...runIdentity, metric_key: z.string(), page_token: z.string().optional(), max_results: int64.optional() }),
      handler: async ({ principal, query }) => {
        const page = await tracking.getMetricHistory(principal.projectId, pickRunId(query), query.metric_key, { maxResults: query.max_results, pageToken: query.page_token });
        return { metrics: page.items.map(metricJson), ...(page.nextPageToken === undefined ? {} : { next_page_token: page.nextPageToken }) };
      },
    }),
    defineRoute({
      method: 'GET', url: '/api/2.0/mlflow/metrics/get-history-bulk-interval', access: 'read', api: 'mlflow', summary: 'Downsampled history of one metric across runs',
      query: z.object({ run_ids: repeated(z.string()), metric_key: z.string(), start_step: int64.optional(), end_step: int64.optional(), max_results: int64.optional() }),
      handler: async ({ principal, query }) => {
        const perRun = await Promise.all(
          query.run_ids.slice(0, 100).map(async (runId) => {
            const page = await tracking.getMetricHistory(principal.projectId, runId, query.metric_key, { maxPoints: query.max_results ?? 320, startStep: query.start_step, endStep: query.end_step });
            return page.items.map((metric) => ({ ...metricJson(metric), run_id: runId }));
          }),
        );
        return { metrics: perRun.flat() };
      },
    }),
  ];
}
