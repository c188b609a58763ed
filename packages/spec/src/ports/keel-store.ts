import type { AuthStore } from './auth-store.ts';
import type { GatewayStore } from './gateway-store.ts';
import type { PromptStore } from './prompt-store.ts';
import type { RegistryStore } from './registry-store.ts';
import type { TraceStore } from './trace-store.ts';
import type { TrackingStore } from './tracking-store.ts';

/** Everything Keel keeps in its database. One implementation, over SQLite and PostgreSQL. */
export interface KeelStore extends AuthStore, TrackingStore, RegistryStore, TraceStore, PromptStore, GatewayStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** Cheap liveness probe of the database. */
  ping(): Promise<void>;
  /**
   * Resolves once every acknowledged write is in its final tables (SQLite's metric write log is
   * drained, ADR 0009). Reads already do this themselves; a caller counting rows needs it.
   */
  settle(): Promise<void>;
  close(): Promise<void>;
}
