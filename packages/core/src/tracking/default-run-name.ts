import type { IdGenerator } from '../ports.ts';

const adjectives = ['amber', 'bold', 'brave', 'calm', 'clever', 'crisp', 'eager', 'gentle', 'glad', 'keen', 'lively', 'lucid', 'merry', 'nimble', 'quiet', 'rapid', 'silver', 'steady', 'sunny', 'swift'];
const nouns = ['badger', 'crane', 'dolphin', 'falcon', 'fox', 'heron', 'ibis', 'koala', 'lynx', 'marten', 'newt', 'otter', 'owl', 'panda', 'puffin', 'raven', 'seal', 'stork', 'tern', 'wren'];

/** A readable name for a run created without one, as MLflow gives (`swift-otter-417`). */
export function defaultRunName(ids: IdGenerator): string {
  const hex = ids.hexId();
  const pick = (list: readonly string[], offset: number): string => list[Number.parseInt(hex.slice(offset, offset + 4), 16) % list.length] ?? 'run';
  return `${pick(adjectives, 0)}-${pick(nouns, 4)}-${Number.parseInt(hex.slice(8, 12), 16) % 1000}`;
}
