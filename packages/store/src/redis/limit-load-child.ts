/**
 * A child process for the cross-process limit test: opens its own Redis limit store, says it is
 * ready, waits for a line on stdin (so that every child starts together), fires all its
 * reservations at once and prints what it was granted as one JSON line.
 */
import { createInterface } from 'node:readline';
import type { LimitCounter, LimitWindow } from '@keel/spec';
import { createRedisLimitStore } from './create-redis-limit-store.ts';

export interface LimitLoadOrder {
  url: string;
  keyPrefix: string;
  calls: number;
  seed: number;
  maxAmount: number;
  counters: { key: string; window: LimitWindow; limit: number }[];
}

export interface LimitLoadReport {
  calls: number;
  granted: number;
  grantedSum: number;
  /** Smallest amount refused, or null when nothing was refused. */
  smallestRefused: number | null;
  firstSentAt: number;
  lastAnsweredAt: number;
}

async function main(): Promise<void> {
  const order = JSON.parse(process.argv[2] ?? '') as LimitLoadOrder;
  const store = await createRedisLimitStore({ url: order.url, keyPrefix: order.keyPrefix });
  const random = mulberry32(order.seed);
  const amounts = Array.from({ length: order.calls }, () => 1 + Math.floor(random() * order.maxAmount));
  const lines = createInterface({ input: process.stdin });
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  for await (const _line of lines) break;
  lines.close();
  const firstSentAt = Date.now();
  const results = await Promise.all(amounts.map((amount) => store.reserve(order.counters.map((counter): LimitCounter => ({ ...counter, amount })))));
  const lastAnsweredAt = Date.now();
  const granted = amounts.filter((_amount, index) => results[index]?.ok === true);
  const refused = amounts.filter((_amount, index) => results[index]?.ok === false);
  const report: LimitLoadReport = {
    calls: order.calls,
    granted: granted.length,
    grantedSum: granted.reduce((sum, amount) => sum + amount, 0),
    smallestRefused: refused.length === 0 ? null : Math.min(...refused),
    firstSentAt,
    lastAnsweredAt,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  await store.close();
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
