export {
  createGatewayConfigService, virtualKeyPrefix,
  type CreatedGatewayKey, type GatewayConfigLogger, type GatewayConfigService, type GatewayConfigServiceDeps, type GatewayProjectLookup,
} from './create-gateway-config-service.ts';
export { formatConfigIssues, formatConfigPath, listConfigIssues, type ConfigIssue } from './format-config-issues.ts';
export { redactGatewayConfig, redactSecret } from './redact-gateway-config.ts';
export { resolveGatewayConfig } from './resolve-gateway-config.ts';
