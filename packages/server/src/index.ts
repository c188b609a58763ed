export { createApp, type AppOptions, type KeelApp } from './create-app.ts';
export { startServer, keelVersion, type RunningServer } from './start-server.ts';
export { resolveServerConfig, serverConfigFromEnv, serverConfigSchema, type ServerConfig, type ServerConfigInput } from './server-config.ts';
export type { AppServices } from './app-services.ts';
export type { AnyRouteSpec, RouteSpec, RouteAccess } from './http/route-spec.ts';
export { createHttpMetrics } from './http/http-metrics.ts';
