/**
 * What stands for a streamed request body in a task's arguments when the task
 * runs in a child process: the body stays in the coordinator and is pulled by
 * the child, a window at a time, once the request is sent (upload-offers.ts,
 * upload-streams.ts). It travels as a registered class, so it is never
 * mistaken for form data a caller wrote.
 */
import { registerClass } from '@requests-futures/serializer';

export class UploadRef {
  constructor(
    /** The offer's name in the coordinator. */
    readonly token: string,
    /** Sent as Content-Length when known (a Blob's or a file's size); otherwise the body goes chunked. */
    readonly length: number | null,
    /** A Blob or an opened file can be sent again (a 307/308, a retry); a stream or an iterator only once. */
    readonly rereadable: boolean,
    /** What the body is, for error messages ('a Readable', 'a Blob'...). */
    readonly what: string,
  ) {}
}

registerClass(UploadRef, 'rf.UploadRef');

export function isUploadRef(value: unknown): value is UploadRef {
  return value instanceof UploadRef;
}
