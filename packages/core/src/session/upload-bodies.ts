/**
 * Before a request crosses to a ProcessPoolExecutor child: a streamed body
 * (a Readable, an async iterable, a Blob, an opened file) cannot be encoded,
 * so it stays here, offered to the child that runs the request (offerUpload),
 * and an UploadRef takes its place in the spec. The offers are withdrawn once
 * the request's future is settled.
 */
import { offerUpload, withdrawUpload, type UploadRef } from '@requests-futures/worker';
import { bodySourceOf, isStreamingData } from '../http/body-source.js';
import type { RequestSpec } from '../http/request-spec.js';

/** Replaces the spec's streamed bodies by UploadRefs; returns the withdrawal to run once the request is settled. */
export function offerStreamedBodies(spec: RequestSpec): () => void {
  const refs: UploadRef[] = [];
  const offer = (value: unknown): unknown => {
    if (!isStreamingData(value)) return value;
    const ref = offerUpload(bodySourceOf(value)!.asUpload());
    refs.push(ref);
    return ref;
  };
  spec.data = offer(spec.data) as RequestSpec['data'];
  return () => {
    for (const ref of refs) withdrawUpload(ref);
  };
}
