import type { ArtifactService, AuthService, RegistryService, TrackingService } from '@keel/core';
import type { PromptService } from '@keel/core';
import type { KeelStore } from '@keel/spec';
import type { HttpMetrics } from './http/http-metrics.ts';

/** What route handlers reach: the core services of one server. */
export interface AppServices {
  store: KeelStore;
  auth: AuthService;
  tracking: TrackingService;
  registry: RegistryService;
  artifacts: ArtifactService;
  prompts: PromptService;
  metrics: HttpMetrics;
  version: string;
}
