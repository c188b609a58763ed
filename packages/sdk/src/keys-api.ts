import { type Role, apiKeySchema, createdKeySchema } from '@keel/spec';
import { z } from 'zod';
import { type Transport, segment } from './create-transport.ts';

export type ApiKey = z.infer<typeof apiKeySchema>;
export type CreatedKey = z.infer<typeof createdKeySchema>;

export interface KeysApi {
  /** A key in the client's project (or the one named by `project`); its secret is in this answer only. */
  create(input: { role: Role; name?: string }): Promise<CreatedKey>;
  /** Keys of the project; with `all`, of every project (instance administrator only). */
  list(options?: { all?: boolean }): Promise<ApiKey[]>;
  revoke(keyId: string): Promise<void>;
}

const keyListSchema = z.object({ items: z.array(apiKeySchema) });
const revokedSchema = z.object({ revoked: z.string() });

export function createKeysApi(transport: Transport): KeysApi {
  return {
    create: (input) => transport.request({ method: 'POST', path: '/api/v1/keys', json: { role: input.role, name: input.name }, schema: createdKeySchema }),
    list: async (options = {}) => (await transport.request({ method: 'GET', path: '/api/v1/keys', query: { all: options.all === true ? 'true' : undefined }, schema: keyListSchema })).items,
    async revoke(keyId) {
      await transport.request({ method: 'DELETE', path: `/api/v1/keys/${segment(keyId)}`, schema: revokedSchema });
    },
  };
}
