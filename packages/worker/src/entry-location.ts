/**
 * Where the built child entry lives, for tinypool's `filename`, and the
 * preload every child starts with (handshake-guard.cts). Kept apart from
 * entry.ts because importing the entry would install the child's control
 * listener in the coordinator.
 */
import { fileURLToPath } from 'node:url';

/** file: URL of the compiled entry (dist/entry.js next to this module). */
export const workerEntryUrl: string = new URL('./entry.js', import.meta.url).href;

/** Filesystem path of the compiled entry. */
export const workerEntryPath: string = fileURLToPath(workerEntryUrl);

/** Filesystem path of the compiled handshake guard, for the children's `--require`. */
export const handshakeGuardPath: string = fileURLToPath(new URL('./handshake-guard.cjs', import.meta.url));
