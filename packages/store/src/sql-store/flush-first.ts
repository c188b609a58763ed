/**
 * The same methods, each of which first awaits `flush`: the metric log is drained before any
 * tracking read or write looks at metrics, so a client reads what it was told was logged (ADR 0009).
 */
export function flushFirst<T extends object>(methods: T, flush: () => Promise<void>): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(methods)) {
    wrapped[name] =
      typeof method === 'function'
        ? async (...args: unknown[]): Promise<unknown> => {
            await flush();
            return (method as (...params: unknown[]) => unknown).apply(methods, args);
          }
        : method;
  }
  return wrapped as T;
}
