import type { KeelClient } from '@keel/sdk/client';
import { lastDays, monthStart, utcDay, dayStartMs } from './utc-days.ts';
import type { GatewayUsage } from './usage-figures.ts';

export type AggregateAnswer = Awaited<ReturnType<KeelClient['traces']['metrics']>>;
export type GatewayKey = Awaited<ReturnType<KeelClient['gateway']['listKeys']>>[number];
export type GatewayConfig = Awaited<ReturnType<KeelClient['gateway']['getConfig']>>;

/** The `service.name` of the spans the gateway writes for its calls. */
export const gatewayServiceName = 'keel-gateway';

export interface GatewayDashboard {
  from: string;
  to: string;
  byDay: GatewayUsage;
  byKey: GatewayUsage;
  byModel: GatewayUsage;
  byDayAndKey: GatewayUsage;
  byDayAndModel: GatewayUsage;
  /** Spend per key today and this month (UTC), for the budgets. */
  keysToday: GatewayUsage;
  keysMonth: GatewayUsage;
  keys: GatewayKey[];
  config: GatewayConfig;
  /**
   * Latency percentiles come from the generation spans the gateway writes into the project's
   * traces (GET /api/v1/trace-metrics with serviceName=keel-gateway), by UTC day, by the model
   * that answered and by virtual key (`(none)`: calls made with a project API key). The usage
   * counters have no latencies.
   */
  latencyByDay: AggregateAnswer;
  latencyByModel: AggregateAnswer;
  latencyByKey: AggregateAnswer;
}

/** Everything the gateway dashboard shows for the `days` days that end today, read in parallel. */
export async function loadGatewayDashboard(client: KeelClient, days: number, now: number): Promise<GatewayDashboard> {
  const { from, to } = lastDays(days, now);
  const today = utcDay(now);
  const window = { from: dayStartMs(from), to: dayStartMs(to) + 86_400_000 };
  const usage = client.gateway.usage;
  const [byDay, byKey, byModel, byDayAndKey, byDayAndModel, keysToday, keysMonth, keys, config, latencyByDay, latencyByModel, latencyByKey] = await Promise.all([
    usage({ from, to, groupBy: ['day'] }),
    usage({ from, to, groupBy: ['key'] }),
    usage({ from, to, groupBy: ['model'] }),
    usage({ from, to, groupBy: ['day', 'key'] }),
    usage({ from, to, groupBy: ['day', 'model'] }),
    usage({ from: today, to: today, groupBy: ['key'] }),
    usage({ from: monthStart(now), to: today, groupBy: ['key'] }),
    client.gateway.listKeys(),
    client.gateway.getConfig(),
    client.traces.metrics({ ...window, groupBy: 'day', serviceName: gatewayServiceName }),
    client.traces.metrics({ ...window, groupBy: 'model', serviceName: gatewayServiceName }),
    client.traces.metrics({ ...window, groupBy: 'gateway_key', serviceName: gatewayServiceName }),
  ]);
  return { from, to, byDay, byKey, byModel, byDayAndKey, byDayAndModel, keysToday, keysMonth, keys, config, latencyByDay, latencyByModel, latencyByKey };
}
