import type { KeelClient } from '@keel/sdk/client';

// The registry's shapes as the browser-safe client returns them.
type Registry = KeelClient['registry'];
export type RegisteredModel = Awaited<ReturnType<Registry['getModel']>>;
export type ModelVersion = Awaited<ReturnType<Registry['getVersion']>>;
export type RegistryEvent = Awaited<ReturnType<Registry['history']>>[number];
export type Lineage = Awaited<ReturnType<Registry['lineage']>>;
