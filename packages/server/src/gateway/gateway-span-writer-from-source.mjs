// From source (vitest, tsx) the gateway span writer thread starts here: TypeScript needs tsx's
// loader, registered inside the thread (a worker's --import does not reach its entry on Node 20).
// The bundle starts <bundle>-gateway-span-writer.mjs instead (scripts/build.mjs).
import { register } from 'tsx/esm/api';

register();
await import('./gateway-span-writer-worker.ts');
