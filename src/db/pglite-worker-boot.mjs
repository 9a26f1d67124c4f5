// The entry of the PGlite worker thread. Node runs a worker's entry without the parent's tsx
// loader (even under `tsx src/main.ts` the worker's .ts entry fails with ERR_UNKNOWN_FILE_EXTENSION,
// and vitest's transform does not reach workers at all), so this plain module loads the
// TypeScript worker through tsx's API: the same code runs under tsx, vitest and plain node.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.entry, import.meta.url);
