import { describe, expect, it } from 'vitest';
import { aliasMoves } from './alias-moves.ts';
import type { RegistryEvent } from '@keel/sdk/client';

const event = (id: number, action: string, alias: string | null, version: string | null, details: Record<string, unknown> = {}): RegistryEvent => ({ id, modelName: 'm', version, alias, action, actor: 'key_1', at: id * 1000, details });

describe('aliasMoves', () => {
  it('keeps alias sets, moves and deletions, in order, and drops other events', () => {
    expect(aliasMoves([
      event(4, 'alias_deleted', 'champion', '2'),
      event(3, 'alias_set', 'champion', '2', { previous_version: '1' }),
      event(2, 'alias_set', 'champion', '1', { previous_version: null }),
      event(1, 'version_created', null, '1'),
    ]).map((move) => [move.alias, move.from, move.to])).toEqual([
      ['champion', '2', null],
      ['champion', '1', '2'],
      ['champion', null, '1'],
    ]);
  });
});
