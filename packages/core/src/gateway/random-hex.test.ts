import { describe, expect, it } from 'vitest';
import { randomHex } from './random-hex.ts';

describe('randomHex', () => {
  it('gives hex of the asked length, and does not repeat across pool refills', () => {
    const seen = new Set<string>();
    for (let index = 0; index < 5000; index += 1) {
      const id = randomHex(16);
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(5000);
    expect(randomHex(8)).toHaveLength(16);
  });
});
