export * from './task-context.js';

// ---- the child-process entry and its protocol (ProcessPoolExecutor's other half) ----
export { workerEntryPath, workerEntryUrl } from './entry-location.js';
export * from './protocol.js';
