/**
 * A response body into a BatchedFileWriter, driven by the stream's own
 * events: no promise or await per chunk (the async iterator made two per
 * 64 KiB chunk), and backpressure by pausing the stream while a full batch
 * waits for the disk.
 *
 * On a failed transfer what arrived is still written before the error goes
 * on, so a resumable part file holds every byte received (the retry asks for
 * the rest). A failure of the disk or of the byte cap keeps its own error.
 */
import { finished } from 'node:stream';
import type { BodyCounter, BodyStream } from './body-limit.js';
import type { BatchedFileWriter } from './batched-file-writer.js';
import type { BodyThrottle } from './body-throttle.js';
import type { RequestInfo } from './errors.js';
import { mapRequestError } from './error-mapping.js';

export interface PumpOptions {
  /** Chunks already read and counted (see small-body.ts), written first. */
  received?: readonly Uint8Array[];
  /** Told every chunk, `received` included, before it is queued (an inline hash). */
  onChunk?: ((chunk: Uint8Array) => void) | undefined;
  /** maxBytesPerSecond: pays for each chunk read here (`received` was paid for already) and may hold the stream paused. */
  throttle?: BodyThrottle | undefined;
}

/** Writes `received` and then the rest of `stream` through `writer`; resolves once all is written. */
export function pumpBodyInto(stream: BodyStream, writer: BatchedFileWriter, counter: BodyCounter, request: RequestInfo, options: PumpOptions = {}): Promise<void> {
  const { received = [], onChunk, throttle } = options;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let waitingForDisk = false;
    const settle = (error: unknown, transferFailed: boolean) => {
      if (settled) return;
      settled = true;
      stream.off('data', onData);
      stopWatching();
      if (error === undefined) {
        writer.end().then(resolve, reject);
      } else if (transferFailed) {
        // Only failures of the transfer are network errors; the bytes that came are kept.
        const failed = () => reject(mapRequestError(error, request, 'body'));
        writer.end().then(failed, failed);
      } else {
        writer.abandon().then(() => reject(error), reject);
      }
    };
    const take = (chunk: Uint8Array) => {
      onChunk?.(chunk);
      if (writer.push(chunk) || waitingForDisk) return;
      waitingForDisk = true;
      stream.pause();
      void writer.drained().then(() => {
        waitingForDisk = false;
        if (!settled && !throttle?.holding) stream.resume();
      });
    };
    const onData = (chunk: Uint8Array) => {
      try {
        counter.add(chunk);
        throttle?.pay(chunk.byteLength);
        take(chunk);
      } catch (error) {
        settle(error, false);
      }
    };
    // finished() also reports a stream destroyed before its end (ERR_STREAM_PREMATURE_CLOSE).
    const stopWatching = finished(stream, { writable: false }, (error) => settle(error ?? undefined, error !== undefined && error !== null));
    if (throttle) {
      throttle.onRelease = () => {
        if (!settled && !waitingForDisk) stream.resume();
      };
    }
    stream.on('data', onData);
    try {
      for (const chunk of received) take(chunk);
    } catch (error) {
      settle(error, false);
      return;
    }
    // Reading the start of the body may have paused the stream.
    if (!waitingForDisk && !throttle?.holding) stream.resume();
  });
}
