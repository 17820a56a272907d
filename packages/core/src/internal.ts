/**
 * @requests-futures/core/internal — engine pieces the workspace's own packages
 * share (the CLI's load generator names its failures as the engine does).
 * Not part of the public API: no semver promise.
 */
export { mapRequestError, type RequestPhase } from './http/error-mapping.js';
export type { RequestSpec } from './http/request-spec.js';
export { bulkTransferGc } from './http/bulk-transfer-gc.js';
export { prestartBodyHasher } from './http/body-hasher.js';
export { directoryExistsWithin } from './http/save-within.js';
export { relativeInside } from './http/path-inside.js';
