/**
 * The unread body of a `stream: true` response. It is kept beside the
 * Response (a WeakMap), not in it: a Response is plain data that can cross a
 * process boundary, a socket cannot. In a child process the body is handed
 * to the executor (`TaskContext.exportStream`) and the Response carries only
 * `remoteBody`, a token the coordinator's side claims (see worker's
 * incoming-streams.ts).
 *
 * When the connection is released: when the body has been read to its end
 * (`read()`, `iterContent`, `iterLines`, `raw`), on `response.close()` (or
 * `await using`), when the session is closed, when a read times out (the
 * request's read `timeout`), or, for a response dropped unread, when the
 * garbage collector reclaims the Response.
 */
import { Readable } from 'node:stream';
import { claimIncomingStream } from '@requests-futures/worker';
import type { TaskContext } from '../task-context.js';
import { BodyCounter } from './body-limit.js';
import { mapRequestError } from './error-mapping.js';
import { ChunkedEncodingError, ContentNotRead, StreamConsumedError, type RequestInfo } from './errors.js';
import type { Response } from './response.js';

/** 'read': the rest is in `content`; 'consumed': iterated to its end; 'closed': released unread. */
type BodyState = 'open' | 'read' | 'consumed' | 'closed';

interface OpenBody {
  readonly stream: Readable;
  readonly request: RequestInfo;
  readonly counter: BodyCounter;
  state: BodyState;
  /** Shared by successive iterations, so that a loop left early resumes where it stopped (as requests does). */
  iterator?: AsyncIterator<Uint8Array>;
}

export interface AttachOptions {
  request: RequestInfo;
  maxBytes?: number | null | undefined;
}

const bodies = new WeakMap<Response, OpenBody>();
// Holds the stream, never the response, so that dropping the response lets it be collected.
const releaseWhenCollected = new FinalizationRegistry<Readable>((stream) => stream.destroy());

/** Makes `stream` the body of `response`: `content` throws ContentNotRead until `read()`. */
export function attachBody(response: Response, stream: Readable, options: AttachOptions): void {
  bodies.set(response, { stream, request: options.request, counter: new BodyCounter(options.maxBytes, options.request), state: 'open' });
  releaseWhenCollected.register(response, stream, response);
  // Not enumerable: an unread body does not travel (the child exports it instead).
  Object.defineProperty(response, 'content', {
    configurable: true,
    enumerable: false,
    get(): never {
      throw new ContentNotRead(
        `The body of this stream: true response has not been read: await response.read() first, or iterate response.iterContent(), iterLines() or raw: ${options.request.method} ${options.request.url}`,
        { request: options.request },
      );
    },
    set(value: Uint8Array) {
      settleContent(response, value);
    },
  });
}

function settleContent(response: Response, content: Uint8Array): void {
  Object.defineProperty(response, 'content', { value: content, writable: true, enumerable: true, configurable: true });
}

/** In a child process: takes the unread body away from `response` (to stream it to the coordinator); null when there is none. */
function detachBody(response: Response): OpenBody | null {
  const body = bodies.get(response);
  if (body === undefined || body.state !== 'open' || body.iterator !== undefined) return null;
  bodies.delete(response);
  releaseWhenCollected.unregister(response);
  return body;
}

/** The response's body, claiming a body streamed from a child on first use. */
function bodyOf(response: Response): OpenBody | undefined {
  const known = bodies.get(response);
  if (known !== undefined) return known;
  const token = response.remoteBody;
  if (typeof token !== 'string') return undefined;
  delete response.remoteBody;
  const request = { method: response.request.method, url: response.url };
  const stream = claimIncomingStream(token) ?? gone(request);
  attachBody(response, stream, { request });
  return bodies.get(response);
}

function gone(request: RequestInfo): Readable {
  const stream = new Readable({ read() {} });
  stream.destroy(new ChunkedEncodingError(`The streamed body is no longer available (claimed twice, or its child process went away): ${request.method} ${request.url}`, { request }));
  return stream;
}

/** Claims a child's body now (so that GC and session.close() can release it) and returns the open stream, if any. */
export function openBodyStream(value: unknown): Readable | undefined {
  if (value === null || typeof value !== 'object' || !('remoteBody' in value || bodies.has(value as Response))) return undefined;
  const body = bodyOf(value as Response);
  return body?.state === 'open' ? body.stream : undefined;
}

/** Whether `response` still has an unread body. */
export function hasOpenBody(response: Response): boolean {
  return bodyOf(response)?.state === 'open';
}

async function* chunksOf(body: OpenBody): AsyncGenerator<Uint8Array> {
  if (body.state !== 'open') {
    throw new StreamConsumedError(`The body of this response was already ${body.state === 'closed' ? 'closed' : 'consumed'}: ${body.request.method} ${body.request.url}`, { request: body.request });
  }
  body.iterator ??= body.stream.iterator({ destroyOnReturn: false });
  try {
    for (;;) {
      const next = await body.iterator.next();
      if (next.done) {
        body.state = 'consumed';
        body.counter.finish();
        return;
      }
      body.counter.add(next.value);
      yield next.value;
    }
  } catch (error) {
    body.state = 'closed';
    body.stream.destroy();
    throw mapRequestError(error, body.request, 'body');
  }
}

/** The rest of the body, kept as `content` (requests' `response.content` on a streamed response). */
export async function readRest(response: Response): Promise<Uint8Array> {
  const body = bodyOf(response);
  if (body === undefined || body.state === 'read') return response.content;
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunksOf(body)) {
    parts.push(chunk);
    size += chunk.byteLength;
  }
  const content = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    content.set(part, offset);
    offset += part.byteLength;
  }
  body.state = 'read';
  settleContent(response, content);
  return content;
}

/** The body as it arrives; a body already read is replayed from `content` (requests' reused chunks). */
export function bodyChunks(response: Response): AsyncGenerator<Uint8Array> {
  const body = bodyOf(response);
  if (body === undefined || body.state === 'read') return replay(response.content);
  return chunksOf(body);
}

async function* replay(content: Uint8Array): AsyncGenerator<Uint8Array> {
  if (content.byteLength > 0) yield content;
}

/** The body's stream: the live one of a streamed response, else a stream of `content`. */
export function rawBody(response: Response): Readable {
  const body = bodyOf(response);
  if (body === undefined || body.state === 'read') return Readable.from([response.content], { objectMode: false });
  return body.stream;
}

/** Releases the connection of an unread body; nothing to do for a body already read. */
export function closeBody(response: Response): void {
  const body = bodyOf(response);
  if (body === undefined || body.state !== 'open') return;
  body.state = 'closed';
  body.counter.stop();
  body.stream.destroy();
}

/**
 * In a child process, once the task's value is known: an unread body of the
 * response it returns streams to the coordinator (the Response carries its
 * token); a response a hook replaced has no reader there, so its body is closed.
 */
export function exportBody(response: Response, value: unknown, context: Pick<TaskContext, 'exportStream'>): void {
  // Only a stream=True response has a body here: a plain one never reads the context's
  // exporter, which a pool child's task context makes, a closure, on each read.
  if (!bodies.has(response)) return;
  const exportStream = context.exportStream;
  if (exportStream === undefined) return;
  const body = detachBody(response);
  if (body === null) return;
  const { stream, counter } = body;
  if (value !== response) {
    stream.destroy();
    return;
  }
  const request = body.request;
  response.remoteBody = exportStream(stream, { mapError: (error) => mapRequestError(error, request, 'body') });
  // maxResponseBytes is counted here, where the spec is known: the coordinator gets ContentTooLarge as the body's error.
  stream.on('data', (chunk: Uint8Array) => {
    try {
      counter.add(chunk);
    } catch (error) {
      stream.destroy(error as Error);
    }
  });
}

/** Bytes an iteration took from the stream but did not hand out (a loop left early): the next reader gets them first. */
export function putBack(response: Response, bytes: Uint8Array): void {
  const body = bodies.get(response);
  if (body === undefined || body.state !== 'open' || bytes.byteLength === 0) return;
  body.counter.bytes -= bytes.byteLength;
  body.stream.unshift(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
