/**
 * A request body that is streamed rather than held: a file (`{ path }`), a
 * Blob, a Node Readable or an async iterable of bytes, as requests sends a
 * file object or a generator. A file or a Blob can be read again (a 307/308
 * redirect or a retry sends it anew); a stream or an iterator is read once,
 * and a second send fails with requests' UnrewindableBodyError.
 */
import { createReadStream, fstatSync, statSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { PicklingError } from '@requests-futures/serializer';
import { isUploadRef, type UploadRef, type UploadSource } from '@requests-futures/worker';
import { RequestException, UnrewindableBodyError } from './errors.js';

/** `data: { path }`: the body is that file, read where the request runs (so it can cross to a child process). */
export interface FileBody {
  path: string;
}

/**
 * What `data` may be besides form fields, a string and bytes. Across
 * processes a ProcessPoolExecutor child pulls it from the coordinator
 * (an UploadRef stands for it in the spec); `{ path }` is read where the request runs.
 */
export type StreamingData = Readable | AsyncIterable<Uint8Array | string> | Blob | FileHandle;

/** The request a body is sent with, for error messages. */
export interface SendingRequest {
  method: string;
  url: string;
}

export class BodySource {
  private opened = false;

  private constructor(
    private readonly open: (request: SendingRequest) => Readable,
    /** Sent as Content-Length when known; otherwise the body goes chunked. */
    readonly length: number | undefined,
    private readonly rereadable: boolean,
    private readonly what: string,
  ) {}

  static file(body: FileBody): BodySource {
    let size: number;
    try {
      size = statSync(body.path).size;
    } catch (error) {
      throw new RequestException(`Cannot read the request body file ${body.path}: ${(error as Error).message}`, { cause: error });
    }
    return new BodySource(() => createReadStream(body.path), size, true, `the file ${body.path}`);
  }

  /** An opened file (`fs.promises.open`): read from its start each time, never closed here (the caller opened it). */
  static handle(handle: FileHandle): BodySource {
    return new BodySource(() => handle.createReadStream({ start: 0, autoClose: false, emitClose: true }), fstatSync(handle.fd).size, true, `the opened file (fd ${handle.fd})`);
  }

  static blob(blob: Blob): BodySource {
    return new BodySource(() => Readable.fromWeb(blob.stream() as never), blob.size, true, 'a Blob');
  }

  /** A body made of other bodies (multipart.ts): rereadable only when each of its parts is. */
  static composed(open: (request: SendingRequest) => Readable, length: number | undefined, rereadable: boolean, what: string): BodySource {
    return new BodySource(open, length, rereadable, what);
  }

  /** Whether a second send (a 307/308, a retry) can read it again. */
  get canRewind(): boolean {
    return this.rereadable;
  }

  static stream(stream: Readable): BodySource {
    return new BodySource(() => stream, undefined, false, 'a Readable');
  }

  static iterable(iterable: AsyncIterable<Uint8Array | string>): BodySource {
    return new BodySource(() => Readable.from(iterable, { objectMode: false }), undefined, false, 'an async iterable');
  }

  /** In a pool child: the coordinator's body, pulled from it as it is sent (`openUpload`, the task context's). */
  static upload(ref: UploadRef, openUpload: OpenUpload | undefined): BodySource {
    if (openUpload === undefined) {
      throw new RequestException(`The request body (${ref.what}) was offered by a coordinator to a ProcessPoolExecutor child: only that child's task can read it`);
    }
    return new BodySource(() => openUpload(ref.token), ref.length ?? undefined, ref.rereadable, ref.what);
  }

  /** What the coordinator offers a child for this body (offerUpload): the same opener, length and rewind rule. */
  asUpload(): UploadSource {
    return { open: () => this.open({ method: 'POST', url: `(${this.what}, uploaded to a pool child)` }), length: this.length, rereadable: this.rereadable, what: this.what };
  }

  /** The stream to send now; a one-shot body sent a second time throws UnrewindableBodyError. */
  stream(request: SendingRequest): Readable {
    if (this.opened && !this.rereadable) {
      throw new UnrewindableBodyError(`Unable to rewind request body for redirect or retry: ${this.what} can be sent only once: ${request.method} ${request.url}`, { request });
    }
    this.opened = true;
    return this.open(request);
  }
}

/** `{ path: string }` and nothing else: a form with one field named `path` is sent as pairs, `[['path', value]]`. */
export function isFileBody(value: unknown): value is FileBody {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === 'path' && typeof (value as FileBody).path === 'string';
}

function isReadable(value: unknown): value is Readable {
  return typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function' && typeof (value as Readable).on === 'function';
}

function isFileHandle(value: unknown): value is FileHandle {
  return typeof value === 'object' && value !== null && typeof (value as FileHandle).fd === 'number' && typeof (value as FileHandle).createReadStream === 'function';
}

function isBlob(value: unknown): value is Blob {
  return typeof value === 'object' && value !== null && typeof (value as Blob).stream === 'function' && typeof (value as Blob).size === 'number' && typeof (value as Blob).arrayBuffer === 'function';
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array | string> {
  return typeof value === 'object' && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/** A Readable, an async iterable or a Blob: bodies that cannot travel to a child process. */
export function isStreamingData(value: unknown): value is StreamingData {
  return isReadable(value) || isBlob(value) || isAsyncIterable(value) || isFileHandle(value);
}

/** The task context's `openUpload`: a coordinator's body by its offer's token. */
export type OpenUpload = (token: string) => Readable;

/** The source for `data`, or undefined when `data` is not a streamed body. */
export function bodySourceOf(data: unknown, openUpload?: OpenUpload): BodySource | undefined {
  if (isUploadRef(data)) return BodySource.upload(data, openUpload);
  if (isFileBody(data)) return BodySource.file(data);
  if (isFileHandle(data)) return BodySource.handle(data);
  if (isBlob(data)) return BodySource.blob(data);
  if (isReadable(data)) return BodySource.stream(data);
  if (isAsyncIterable(data)) return BodySource.iterable(data);
  return undefined;
}

/**
 * On an executor whose workers cannot pull a body from this process (a
 * DistributedExecutor), a body travels by value or by path: a Readable, an
 * async iterable, a Blob or an opened file is refused at submit with a
 * PicklingError that says what to send instead.
 */
export function assertDataCanTravel(data: unknown, path = 'data'): void {
  if (!isStreamingData(data)) return;
  throw new PicklingError(`${describeStreamingData(data)} as the request body (this executor's workers cannot read it from this process: send { path } for a file, bytes, or use ProcessPoolExecutor or ThreadPoolExecutor)`, path);
}

function describeStreamingData(data: StreamingData): string {
  return isFileHandle(data) ? 'an opened file' : isBlob(data) ? 'a Blob' : isReadable(data) ? 'a Readable' : 'an async iterable';
}
