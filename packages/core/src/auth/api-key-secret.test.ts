import { describe, expect, it } from 'vitest';
import { randomIds } from '../system-ports.ts';
import { apiKeyPrefix, hashApiKey, issueApiKey } from './api-key-secret.ts';

describe('issueApiKey', () => {
  it('issues distinct high-entropy keys whose hash, not the secret, identifies them', () => {
    const first = issueApiKey(randomIds);
    const second = issueApiKey(randomIds);
    expect(first.secret.startsWith(apiKeyPrefix)).toBe(true);
    expect(first.secret).toMatch(/^keel_[A-Za-z0-9]{32}$/);
    expect(first.secret).not.toBe(second.secret);
    expect(first.id).not.toBe(second.id);
    expect(first.hash).toBe(hashApiKey(first.secret));
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.hash).not.toContain(first.secret.slice(5));
    expect(first.prefix).toBe(first.secret.slice(0, 10));
  });

  it('draws every alphabet character roughly uniformly', () => {
    const counts = new Map<string, number>();
    const text = randomIds.secret(62 * 400);
    for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const count of counts.values()) expect(count).toBeGreaterThan(250);
  });
});
