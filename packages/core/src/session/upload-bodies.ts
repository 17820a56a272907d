/**
 * Before a request crosses to a ProcessPoolExecutor child: a streamed body
 * (a Readable, an async iterable, a Blob, an opened file) cannot be encoded,
 * so it stays here, offered to the child that runs the request (offerUpload),
 * and an UploadRef takes its place in the spec. The offers are withdrawn once
 * the request's future is settled.
 */
import { offerUpload, withdrawUpload, type UploadRef } from '@requests-futures/worker';
import { bodySourceOf, isStreamingData } from '../http/body-source.js';
import type { FilePart, FilesOption, RequestSpec } from '../http/request-spec.js';

/** Replaces the spec's streamed bodies by UploadRefs; returns the withdrawal to run once the request is settled (undefined: nothing was offered). */
export function offerStreamedBodies(spec: RequestSpec): (() => void) | undefined {
  // Most requests send no body at all: nothing to look at, nothing to make.
  if (spec.data === null && spec.files === null) return undefined;
  const refs: UploadRef[] = [];
  const offer = (value: unknown): unknown => {
    if (!isStreamingData(value)) return value;
    const ref = offerUpload(bodySourceOf(value)!.asUpload());
    refs.push(ref);
    return ref;
  };
  spec.data = offer(spec.data) as RequestSpec['data'];
  if (spec.files !== undefined && spec.files !== null) spec.files = offerFileContents(spec.files, offer);
  // Most requests stream nothing: no done callback for them.
  if (refs.length === 0) return undefined;
  return () => {
    for (const ref of refs) withdrawUpload(ref);
  };
}

/** The same files with each streamed content offered (a new object: the caller's stays as it was). */
function offerFileContents(files: FilesOption, offer: (value: unknown) => unknown): FilesOption {
  if (typeof files !== 'object' || Array.isArray(files)) return files; // the engine refuses it, naming it
  const offered: FilesOption = {};
  for (const [name, value] of Object.entries(files)) {
    if (Array.isArray(value)) offered[name] = value.map((item, index) => (index === 1 ? offer(item) : item)) as FilesOption[string];
    else if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype && 'content' in value) {
      offered[name] = { ...(value as FilePart), content: offer((value as FilePart).content) } as FilePart;
    } else offered[name] = offer(value) as FilesOption[string];
  }
  return offered;
}
