import type { RegistryEvent } from '@keel/sdk/client';

export interface AliasMove {
  id: number;
  at: number;
  alias: string;
  /** The version the alias named before; null when it was new. */
  from: string | null;
  /** The version it names after; null when it was deleted. */
  to: string | null;
  actor: string;
}

/** The alias moves among registry events (set, moved, deleted), in the order given (newest first). */
export function aliasMoves(events: readonly RegistryEvent[]): AliasMove[] {
  const moves: AliasMove[] = [];
  for (const event of events) {
    if (event.alias === null) continue;
    if (event.action === 'alias_set') {
      const previous = event.details.previous_version;
      moves.push({ id: event.id, at: event.at, alias: event.alias, from: typeof previous === 'string' || typeof previous === 'number' ? String(previous) : null, to: event.version, actor: event.actor });
    } else if (event.action === 'alias_deleted') {
      moves.push({ id: event.id, at: event.at, alias: event.alias, from: event.version, to: null, actor: event.actor });
    }
  }
  return moves;
}
