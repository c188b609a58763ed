import type { AppServices } from '../app-services.ts';
import { defineRoute } from '../http/route-spec.ts';

/** The MLflow version we report. Below 3.4 the MLflow client does not send spans over OTLP (not served yet). */
export const mlflowCompatibleVersion = '3.3.0';

export function systemRoutes({ store, metrics, version }: AppServices) {
  return [
    defineRoute({
      method: 'GET', url: '/health', access: 'public', api: 'system', summary: 'Liveness and readiness: 200 once the database answers',
      handler: async ({ reply }) => {
        await store.ping();
        return reply.type('text/plain').send('OK');
      },
    }),
    defineRoute({
      method: 'GET', url: '/version', access: 'public', api: 'system', summary: 'The MLflow server version this server speaks',
      handler: async ({ reply }) => reply.type('text/plain').header('x-keel-version', version).send(mlflowCompatibleVersion),
    }),
    defineRoute({
      method: 'GET', url: '/metrics', access: 'admin', api: 'system', summary: 'Prometheus metrics',
      handler: async ({ reply }) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    }),
  ];
}
