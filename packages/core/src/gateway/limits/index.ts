export { createMemoryLimitStore, type MemoryLimitStore, type MemoryLimitStoreOptions } from './create-memory-limit-store.ts';
export { windowEnd, windowStart } from './limit-window-bounds.ts';
