import type { GatewayConfigInput } from '@keel/spec';

export interface GatewayAdmin {
  /** A native API call with the admin key; the answer's status and parsed JSON. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  /** Replaces the project's gateway document (expects 200). */
  configure(config: GatewayConfigInput): Promise<void>;
  /** Issues a virtual key (expects 201) and returns its secret. */
  createKey(name: string, extra?: Record<string, unknown>): Promise<string>;
}

/** Gateway set-up through the native API of a running server, as tests need it. */
export function gatewayAdmin(url: string, adminKey: string): GatewayAdmin {
  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, json: text === '' ? null : (JSON.parse(text) as unknown) };
  }
  return {
    api,
    async configure(config) {
      const answer = await api('PUT', '/api/v1/gateway/config', config);
      if (answer.status !== 200) throw new Error(`gateway config answered ${answer.status}: ${JSON.stringify(answer.json)}`);
    },
    async createKey(name, extra = {}) {
      const answer = await api('POST', '/api/v1/gateway/keys', { name, ...extra });
      if (answer.status !== 201) throw new Error(`creating key ${name} answered ${answer.status}: ${JSON.stringify(answer.json)}`);
      return (answer.json as { secret: string }).secret;
    },
  };
}
