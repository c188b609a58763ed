import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * A full garbage collection of the bench process itself, before a timed load: what it built
 * beforehand (request bodies, the rows of a plan) leaves the young generation now, instead of being
 * copied by a scavenge in the middle of the load, which pauses the client's event loop while its
 * requests are in flight and adds the pause to every one of their latencies.
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    v8.setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
