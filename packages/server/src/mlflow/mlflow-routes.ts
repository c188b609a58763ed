import type { AppServices } from '../app-services.ts';
import type { AnyRouteSpec } from '../http/route-spec.ts';
import { mlflowArtifactRoutes } from './artifact-proxy-routes.ts';
import { mlflowExperimentRoutes } from './experiment-routes.ts';
import { mlflowLoggedModelRoutes } from './logged-model-routes.ts';
import { mlflowMetricRoutes } from './metric-routes.ts';
import { mlflowModelVersionRoutes } from './model-version-routes.ts';
import { mlflowRegisteredModelRoutes } from './registered-model-routes.ts';
import { mlflowRunRoutes } from './run-routes.ts';

/** Every route of MLflow's REST API that Keel serves. */
export function mlflowRoutes(services: AppServices): AnyRouteSpec[] {
  return [
    ...mlflowExperimentRoutes(services),
    ...mlflowRunRoutes(services),
    ...mlflowMetricRoutes(services),
    ...mlflowRegisteredModelRoutes(services),
    ...mlflowModelVersionRoutes(services),
    ...mlflowLoggedModelRoutes(services),
    ...mlflowArtifactRoutes(services),
  ];
}
