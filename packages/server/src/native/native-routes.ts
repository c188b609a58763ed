import type { AppServices } from '../app-services.ts';
import { type AnyRouteSpec, defineRoute } from '../http/route-spec.ts';
import { nativeAuthRoutes } from './auth-routes.ts';
import { nativeExperimentRoutes } from './experiment-routes.ts';
import { nativeGatewayRoutes } from './gateway-routes.ts';
import { nativeModelRoutes } from './model-routes.ts';
import { nativePromptRoutes } from './prompt-routes.ts';
import { nativeRunRoutes } from './run-routes.ts';
import { nativeTraceRoutes } from './trace-routes.ts';
import { openApiDocument } from './openapi-document.ts';

/** The native API under /api/v1, and its OpenAPI document. */
export function nativeRoutes(services: AppServices): AnyRouteSpec[] {
  const routes: AnyRouteSpec[] = [...nativeAuthRoutes(services), ...nativeExperimentRoutes(services), ...nativeRunRoutes(services), ...nativeModelRoutes(services), ...nativePromptRoutes(services), ...nativeTraceRoutes(services), ...nativeGatewayRoutes(services)];
  let document: Record<string, unknown> | undefined;
  routes.push(
    defineRoute({
      method: 'GET', url: '/api/v1/openapi.json', access: 'read', api: 'native', summary: 'This document',
      handler: async () => {
        document ??= openApiDocument(routes, services.version);
        return document;
      },
    }),
  );
  return routes;
}
