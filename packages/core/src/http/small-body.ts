/**
 * The short path for small downloads. A body that ends within its first
 * SMALL_BODY_BYTES is held in memory and written in one go: open, write,
 * close and rename through node's callback API (each still a hop to libuv's
 * pool, so a slow disk never blocks the event loop), with no file open while
 * the body arrives, no write batching, and no message to the hasher thread.
 * A larger body is handed on with what arrived so far.
 *
 * Measured (5,000 x 4 KiB files, 16 at once, CPU of the main thread):
 * FileHandle open/writev/close + rename 170-230 µs a file, the callback API
 * 90-140 µs; a worker thread doing all four synchronously used no less of
 * the main thread and, being one thread, queued every file behind the
 * slowest (wall time up to 2x).
 */
import * as crypto from 'node:crypto';
import { close, open, rename, unlink, write } from 'node:fs';
import { finished } from 'node:stream';
import type { BodyCounter, BodyStream } from './body-limit.js';
import type { BodyThrottle } from './body-throttle.js';
import type { RequestInfo } from './errors.js';
import { mapRequestError } from './error-mapping.js';
import { CREATE_NEW } from './no-follow.js';

/** A body up to this size is saved whole (hashed on this thread: 64 KiB is about 40 µs of sha256). */
export const SMALL_BODY_BYTES = 64 * 1024;

export interface BodyStart {
  /** What arrived, in order. */
  chunks: Uint8Array[];
  /** True when that is the whole body; false: the stream is paused with more to come. */
  ended: boolean;
}

/**
 * Reads until the body ends or more than `limit` bytes arrived, counting
 * every chunk (the byte cap applies). A failed transfer rejects with the
 * mapped network error; nothing was written.
 */
export function readBodyStart(stream: BodyStream, limit: number, counter: BodyCounter, request: RequestInfo, throttle?: BodyThrottle): Promise<BodyStart> {
  return new Promise<BodyStart>((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    let settled = false;
    const settle = (error: unknown, ended: boolean) => {
      if (settled) return;
      settled = true;
      stream.off('data', onData);
      stopWatching();
      if (error !== undefined) reject(error);
      else resolve({ chunks, ended });
    };
    const onData = (chunk: Uint8Array) => {
      try {
        counter.add(chunk);
      } catch (error) {
        settle(error, false);
        return;
      }
      chunks.push(chunk);
      bytes += chunk.byteLength;
      throttle?.pay(chunk.byteLength);
      if (bytes > limit) {
        stream.pause();
        settle(undefined, false);
      }
    };
    const stopWatching = finished(stream, { writable: false }, (error) => {
      if (error) settle(mapRequestError(error, request, 'body'), false);
      else settle(undefined, true);
    });
    if (throttle) {
      throttle.onRelease = () => {
        if (!settled) stream.resume();
      };
    }
    stream.on('data', onData);
  });
}

/**
 * Writes `body` to a new file `temporary` (CREATE_NEW: never an existing file,
 * never through a symlink) and renames it to `destination`; `checkOpened` may
 * refuse the opened file (by throwing) before anything is written.
 * On failure the temporary is removed; a missing directory rejects with
 * ENOENT before anything is created.
 * The four steps chain their callbacks under one promise: a promise and an
 * await per step cost the main thread more than the step itself (5,000 x 4 KiB:
 * ~25 µs a file).
 */
export function saveWhole(body: Uint8Array, temporary: string, destination: string, checkOpened?: (fd: number) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => unlink(temporary, () => reject(error));
    open(temporary, CREATE_NEW, 0o644, (openError, fd) => {
      if (openError) return reject(openError);
      try {
        checkOpened?.(fd);
      } catch (error) {
        return close(fd, () => fail(error as Error));
      }
      let offset = 0;
      const closeThen = (writeError: Error | null) =>
        close(fd, (closeError) => {
          const error = writeError ?? closeError;
          if (error) return fail(error);
          rename(temporary, destination, (renameError) => (renameError ? fail(renameError) : resolve()));
        });
      const writeRest = () =>
        write(fd, body, offset, body.byteLength - offset, null, (writeError, written) => {
          if (writeError) return closeThen(writeError);
          if (written === 0) return closeThen(new Error(`write wrote 0 of ${body.byteLength - offset} bytes`));
          offset += written;
          if (offset < body.byteLength) writeRest();
          else closeThen(null);
        });
      if (body.byteLength === 0) closeThen(null);
      else writeRest();
    });
  });
}

type OneShotHash = (algorithm: string, data: Uint8Array, encoding: 'hex') => string;
/** crypto.hash (Node 20.12+): no Hash object per body. */
const oneShotHash = (crypto as { hash?: OneShotHash }).hash;

/** sha256 of a whole small body, hex. */
export function sha256Hex(body: Uint8Array): string {
  return oneShotHash ? oneShotHash('sha256', body, 'hex') : crypto.createHash('sha256').update(body).digest('hex');
}

/** The chunks as one buffer (no copy for a single chunk). */
export function joinChunks(chunks: readonly Uint8Array[], bytes: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const body = new Uint8Array(bytes);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
