import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCallAbort, sleepUnlessAborted, toAbortSignal } from './call-signal.ts';

describe('createCallAbort', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs each listener once, in order, with the first reason, and not after removal', () => {
    const { signal, abort } = createCallAbort();
    const calls: string[] = [];
    const first = (): void => void calls.push(`first ${String(signal.reason)}`);
    const removed = (): void => void calls.push('removed');
    const second = (): void => void calls.push('second');
    signal.addEventListener('abort', first);
    signal.addEventListener('abort', removed);
    signal.addEventListener('abort', second, { once: true });
    signal.removeEventListener('abort', removed);
    expect(signal.aborted).toBe(false);
    abort('gone');
    abort('again');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('gone');
    expect(calls).toEqual(['first gone', 'second']);
    // As with AbortSignal, a listener added after the abort never runs.
    signal.addEventListener('abort', () => calls.push('late'));
    expect(calls).toHaveLength(2);
  });

  it('gives an AbortError as the reason when none is given', () => {
    const { signal, abort } = createCallAbort();
    abort();
    expect(signal.reason).toBeInstanceOf(DOMException);
    expect((signal.reason as DOMException).name).toBe('AbortError');
  });

  it('is followed by a real AbortSignal where an API needs one', () => {
    const { signal, abort } = createCallAbort();
    const real = toAbortSignal(signal);
    expect(real).toBeInstanceOf(AbortSignal);
    expect(real.aborted).toBe(false);
    abort('client went away');
    expect(real.aborted).toBe(true);
    expect(real.reason).toBe('client went away');
    const already = createCallAbort();
    already.abort('before');
    expect(toAbortSignal(already.signal).reason).toBe('before');
    const native = new AbortController().signal;
    expect(toAbortSignal(native)).toBe(native);
  });

  it('sleeps for the time given, or until the abort, and drops its listener when the time is up', async () => {
    vi.useFakeTimers();
    const { signal, abort } = createCallAbort();
    let slept = false;
    void sleepUnlessAborted(1_000, signal).then(() => (slept = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(slept).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(slept).toBe(true);

    let cut = false;
    void sleepUnlessAborted(60_000, signal).then(() => (cut = true));
    await vi.advanceTimersByTimeAsync(10);
    expect(cut).toBe(false);
    abort('stop');
    await vi.advanceTimersByTimeAsync(0);
    expect(cut).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    await expect(sleepUnlessAborted(60_000, signal)).resolves.toBeUndefined();
  });
});
