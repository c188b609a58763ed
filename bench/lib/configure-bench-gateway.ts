/** Limits high enough never to refuse a bench request, but checked on every one (rpm, tpm, day and month budgets). */
export const benchGatewayLimits = { rpm: 100_000_000, tpm: 2_000_000_000, budget_usd_day: 1_000_000, budget_usd_month: 10_000_000 };

export interface BenchUpstream {
  /** Provider name, and the virtual model that routes to it. */
  provider: string;
  model: string;
  baseURL: string;
}

/**
 * Configures a bench server's gateway as the gateway bench measures it: one OpenAI provider per
 * upstream, a virtual model routing to each, project limits, and a virtual key with its own limits.
 * Returns the key's secret.
 */
export async function configureBenchGateway(server: { url: string; apiKey: string }, upstreams: readonly BenchUpstream[]): Promise<string> {
  const admin = { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' };
  const put = await fetch(`${server.url}/api/v1/gateway/config`, {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify({
      providers: upstreams.map((upstream) => ({ name: upstream.provider, type: 'openai', base_url: upstream.baseURL, api_key: 'sk-bench' })),
      models: upstreams.map((upstream) => ({ name: upstream.model, targets: [{ provider: upstream.provider, model: 'gpt-4o-mini' }] })),
      limits: benchGatewayLimits,
    }),
  });
  if (put.status !== 200) throw new Error(`gateway config: ${put.status} ${await put.text()}`);
  const created = await fetch(`${server.url}/api/v1/gateway/keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'bench', limits: benchGatewayLimits }) });
  if (created.status !== 201) throw new Error(`virtual key: ${created.status} ${await created.text()}`);
  return ((await created.json()) as { secret: string }).secret;
}
