import {
  createdGatewayKeySchema, gatewayConfigAnswerSchema, gatewayKeyListSchema, gatewayUsageAnswerSchema, revokedGatewayKeySchema,
  type CreateGatewayKeyBody, type GatewayConfigAnswer, type GatewayConfigInput, type GatewayUsageAnswer, type GatewayUsageGroup, type WireGatewayKey,
} from '@keel/spec';
import { type Transport, segment } from './create-transport.ts';

export type { CreateGatewayKeyBody, GatewayConfigAnswer, GatewayConfigInput, GatewayUsageAnswer, GatewayUsageGroup, WireGatewayKey as GatewayKey };

export interface GatewayUsageOptions {
  /** First and last UTC day, `YYYY-MM-DD`, inclusive; the server answers the last 30 days where missing. */
  from?: string;
  to?: string;
  /** Dimensions of the rows (default: day). */
  groupBy?: GatewayUsageGroup[];
  key?: string;
  model?: string;
}

export interface GatewayApi {
  /** The project's gateway document (credentials redacted), its source and version. */
  getConfig(): Promise<GatewayConfigAnswer>;
  /** Replaces the document; with `expectedVersion` a concurrent change answers 409 instead of being overwritten. */
  putConfig(config: GatewayConfigInput, options?: { expectedVersion?: number }): Promise<GatewayConfigAnswer>;
  /** Issues a virtual key; `secret` is shown in this answer only. */
  createKey(input: CreateGatewayKeyBody): Promise<{ key: WireGatewayKey; secret: string }>;
  listKeys(): Promise<WireGatewayKey[]>;
  revokeKey(name: string): Promise<void>;
  usage(options?: GatewayUsageOptions): Promise<GatewayUsageAnswer>;
}

export function createGatewayApi(transport: Transport): GatewayApi {
  return {
    getConfig: () => transport.request({ method: 'GET', path: '/api/v1/gateway/config', schema: gatewayConfigAnswerSchema }),
    putConfig: (config, options = {}) =>
      transport.request({
        method: 'PUT', path: '/api/v1/gateway/config', json: config, schema: gatewayConfigAnswerSchema,
        query: options.expectedVersion === undefined ? undefined : { expected_version: String(options.expectedVersion) },
      }),
    createKey: (input) => transport.request({ method: 'POST', path: '/api/v1/gateway/keys', json: input, schema: createdGatewayKeySchema }),
    listKeys: async () => (await transport.request({ method: 'GET', path: '/api/v1/gateway/keys', schema: gatewayKeyListSchema })).keys,
    revokeKey: async (name) => {
      await transport.request({ method: 'DELETE', path: `/api/v1/gateway/keys/${segment(name)}`, schema: revokedGatewayKeySchema });
    },
    usage: (options = {}) => {
      const query: Record<string, string> = {};
      if (options.from !== undefined) query.from = options.from;
      if (options.to !== undefined) query.to = options.to;
      if (options.groupBy !== undefined) query.group_by = options.groupBy.join(',');
      if (options.key !== undefined) query.key = options.key;
      if (options.model !== undefined) query.model = options.model;
      return transport.request({ method: 'GET', path: '/api/v1/gateway/usage', query, schema: gatewayUsageAnswerSchema });
    },
  };
}
