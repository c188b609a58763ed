import { toWireValue } from '@keel/spec';
import type { TextOutput } from './cli-context.ts';

/** JSON for scripts. NaN and infinities, which JSON.stringify would turn into null, are written as the API writes them. */
export function writeJson(output: TextOutput, value: unknown): void {
  output.write(`${JSON.stringify(value, (_key, item: unknown) => (typeof item === 'number' && !Number.isFinite(item) ? toWireValue(item) : item), 2)}\n`);
}
