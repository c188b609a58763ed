import { describe, expect, it } from 'vitest';
import { createCircuitBreakers } from './create-circuit-breakers.ts';

describe('createCircuitBreakers', () => {
  it('opens after the failures in a row, rests for the cool-down, then lets one probe through', () => {
    let now = 1000;
    const breakers = createCircuitBreakers(() => now);
    const policy = { failures: 3, cooldown_ms: 500 };
    breakers.failed('a', policy);
    breakers.failed('a', policy);
    expect(breakers.allows('a', policy)).toBe(true);
    breakers.failed('a', policy);
    expect(breakers.allows('a', policy)).toBe(false);
    expect(breakers.open()).toEqual(['a']);
    expect(breakers.allows('b', policy)).toBe(true);
    now += 500;
    expect(breakers.allows('a', policy)).toBe(true);
    expect(breakers.allows('a', policy), 'a second caller waits for the probe').toBe(false);
    breakers.failed('a', policy);
    expect(breakers.allows('a', policy), 'a failed probe opens it again').toBe(false);
    now += 500;
    expect(breakers.allows('a', policy)).toBe(true);
    breakers.succeeded('a');
    expect(breakers.allows('a', policy)).toBe(true);
    expect(breakers.open()).toEqual([]);
  });

  it('a success in between resets the count', () => {
    const breakers = createCircuitBreakers(() => 0);
    const policy = { failures: 2, cooldown_ms: 500 };
    breakers.failed('a', policy);
    breakers.succeeded('a');
    breakers.failed('a', policy);
    expect(breakers.allows('a', policy)).toBe(true);
  });
});
