// ---- the child-process entry and its protocol (ProcessPoolExecutor's other half) ----
export { workerEntryPath, workerEntryUrl } from './entry-location.js';
export * from './protocol.js';
export { IncomingStreams, claimIncomingStream, streamToken } from './incoming-streams.js';
export type { ExportOptions } from './outgoing-streams.js';
/** Replies built as a pool child builds them (they never throw); @requests-futures/distributed's workers send the same. */
export { replyWithValue, replyWithError } from './reply.js';
