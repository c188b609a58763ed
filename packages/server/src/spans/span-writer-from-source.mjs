// From source (vitest, tsx) the span writer thread starts here: TypeScript needs tsx's
// loader, registered inside the thread (a worker's --import does not reach its entry on Node 20).
// The bundle starts <bundle>-span-writer.mjs instead (scripts/build.mjs).
import { register } from 'tsx/esm/api';

register();
await import('./span-writer-worker.ts');
