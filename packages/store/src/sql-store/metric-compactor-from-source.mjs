// From source (vitest, tsx) the metric compactor thread starts here: TypeScript needs tsx's
// loader, registered inside the thread. The bundle starts <bundle>-metric-compactor.mjs instead
// (scripts/build.mjs).
import { register } from 'tsx/esm/api';

register();
await import('./metric-compactor-worker.ts');
