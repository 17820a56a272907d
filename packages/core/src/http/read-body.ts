/**
 * Reading a whole response body into memory, decompressed, stopping the
 * transfer as soon as it passes `maxResponseBytes` (so a gzip bomb is
 * inflated only up to the cap).
 */
import type { ByteBudget } from '../task-context.js';
import { BodyCounter, type BodyStream } from './body-limit.js';
import { payAndWait } from './body-throttle.js';
import type { RequestInfo } from './errors.js';
import { mapRequestError } from './error-mapping.js';

export interface ReadBodyOptions {
  maxBytes?: number | null;
  request: RequestInfo;
  /** Told the byte count as it grows (throttled, see BodyCounter). */
  progress?: ((bytes: number) => void) | undefined;
  /** maxBytesPerSecond: the next chunk is read only once this one is paid for. */
  budget?: ByteBudget | undefined;
}

export async function readBody(stream: BodyStream, options: ReadBodyOptions): Promise<Uint8Array> {
  const counter = new BodyCounter(options.maxBytes, options.request, options.progress);
  const chunks: Uint8Array[] = [];
  try {
    for await (const chunk of stream) {
      counter.add(chunk);
      chunks.push(chunk);
      if (options.budget) await payAndWait(options.budget, chunk.byteLength);
    }
  } catch (error) {
    counter.stop();
    stream.destroy();
    throw mapRequestError(error, options.request, 'body');
  }
  counter.finish();
  // A Uint8Array that owns its memory: a Buffer may be a view into Node's shared
  // pool, and serializing a view can carry the whole pool across the process boundary.
  const body = new Uint8Array(counter.bytes);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

