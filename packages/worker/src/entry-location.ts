/**
 * Where the built child entry lives, for tinypool's `filename`. Kept apart from
 * entry.ts because importing the entry would install the child's control
 * listener in the coordinator.
 */
import { fileURLToPath } from 'node:url';

/** file: URL of the compiled entry (dist/entry.js next to this module). */
export const workerEntryUrl: string = new URL('./entry.js', import.meta.url).href;

/** Filesystem path of the compiled entry. */
export const workerEntryPath: string = fileURLToPath(workerEntryUrl);
