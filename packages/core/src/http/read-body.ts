/**
 * Reading a whole response body into memory, decompressed, stopping the
 * transfer as soon as it passes `maxResponseBytes` (so a gzip bomb is
 * inflated only up to the cap).
 */
import type { ByteBudget } from '../task-context.js';
import { BodyCounter, type BodyStream } from './body-limit.js';
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
  let chunks: Uint8Array[];
  try {
    chunks = options.budget ? await collectPaying(stream, counter, options.budget) : await collect(stream, counter);
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

/**
 * Every chunk, read in flowing mode and settled as `for await` settles: an
 * error, or a close before the end, rejects. Cheaper than the async iterator,
 * which costs a generator, a promise per chunk and its own listeners (about 2 %
 * of a pool child's CPU on small GETs), and than finished(), whose end-of-stream
 * machinery (eight listeners and six helpers V8 compiles again in every fresh
 * child) a body read from its start does not need: three listeners say the same.
 */
function collect(stream: BodyStream, counter: BodyCounter): Promise<Uint8Array[]> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    const onData = (chunk: Uint8Array): void => {
      try {
        counter.add(chunk);
      } catch (error) {
        done(error);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => done(undefined);
    const onError = (error: Error): void => done(error);
    // finished()'s verdict on a close before the end, with its code, so the error mapping sees the same cause.
    const onClose = (): void => done(stream.errored ?? prematureClose());
    function done(error: unknown): void {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      // Not destroyed at the end, as for-await leaves a stream without autoDestroy (got's): destroying
      // got's stream would destroy the request's body too, a caller's FileHandle that a 307 sends again.
      if (error) reject(error);
      else resolve(chunks);
    }
    // A body handed over already ended, failed or closed settles at once, as finished() would, a tick later.
    if (stream.readableEnded || stream.errored || stream.destroyed) {
      process.nextTick(done, stream.readableEnded ? undefined : (stream.errored ?? prematureClose()));
      return;
    }
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
    stream.on('data', onData);
  });
}

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/** Under the executor's byte budget: each chunk is paid for before the next is taken. */
async function collectPaying(stream: BodyStream, counter: BodyCounter, budget: ByteBudget): Promise<Uint8Array[]> {
  // body-throttle.ts on first use: a pool child without maxBytesPerSecond never loads it.
  const { payAndWait } = await import('./body-throttle.js');
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) {
    counter.add(chunk);
    chunks.push(chunk);
    await payAndWait(budget, chunk.byteLength);
  }
  return chunks;
}
