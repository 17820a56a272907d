// ---- the child-process entry and its protocol (ProcessPoolExecutor's other half) ----
export { handshakeGuardPath, workerEntryPath, workerEntryUrl } from './entry-location.js';
export * from './protocol.js';
export { frameRun, isReportFrame, unframeReport } from './lane-frames.js';
export { IncomingStreams, claimIncomingStream, streamToken } from './incoming-streams.js';
// ---- request bodies streamed from the coordinator to a child (uploads) ----
export { UploadRef, isUploadRef } from './upload-ref.js';
export { offerUpload, withdrawUpload, pendingUploadOffers, type UploadSource } from './upload-offers.js';
export { UploadSenders } from './upload-senders.js';
export type { ExportOptions } from './outgoing-streams.js';
/** Replies built as a pool child builds them (they never throw); @requests-futures/distributed's workers send the same. */
export { replyWithValue, replyWithError } from './reply.js';
