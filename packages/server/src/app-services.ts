import type { ArtifactService, AuthService, RegistryService, TraceIngestService, TraceQueryService, TrackingService } from '@keel/core';
import type { PromptService } from '@keel/core';
import type { GatewayConfigService, GatewayService, UsageRecorder } from '@keel/core';
import type { SignInLinks } from '@keel/core';
import type { KeelStore } from '@keel/spec';
import type { HttpMetrics } from './http/http-metrics.ts';
import type { WebUi } from './web/load-web-ui.ts';

/** What route handlers reach: the core services of one server. */
export interface AppServices {
  store: KeelStore;
  auth: AuthService;
  tracking: TrackingService;
  registry: RegistryService;
  artifacts: ArtifactService;
  traceIngest: TraceIngestService;
  traces: TraceQueryService;
  prompts: PromptService;
  /** Gateway configuration (database and keel.config.yaml) and virtual key authentication. */
  gatewayConfig: GatewayConfigService;
  /** Gateway usage per project, day, key and model: recorded in memory, flushed every second. */
  gatewayUsage: UsageRecorder;
  /** The OpenAI-compatible gateway's request pipeline. */
  gateway: GatewayService;
  /** Largest OTLP request, compressed or not, in bytes. */
  maxOtlpBytes: number;
  maxSpansPerRequest: number;
  metrics: HttpMetrics;
  /** The built web UI served at /. */
  webUi: WebUi;
  /** The one-time sign-in link printed at start. */
  signInLinks: SignInLinks;
  version: string;
}
