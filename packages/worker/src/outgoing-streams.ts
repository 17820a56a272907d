/**
 * The sending end of credit-paced streams. In a child: the streams its tasks
 * export (`TaskContext.exportStream`), a response body read here and sent to
 * the coordinator as `body` events. In the coordinator: request bodies it
 * uploads to a child (upload-senders.ts), sent as `upload` messages.
 * Each stream may run `STREAM_WINDOW_BYTES` ahead of the credit the reader
 * sent back; past that its source is paused, so a socket is no longer read
 * and TCP pushes back on the server (or a generator is no longer pulled).
 */
import type { Readable } from 'node:stream';
import type { Wire } from '@requests-futures/serializer';
import type { Outbox } from './outbox.js';
import { STREAM_WINDOW_BYTES } from './protocol.js';
import { replyWithError } from './reply.js';

/** Where a stream's pieces go: the other process, as events or control messages. */
export interface StreamSink {
  chunk(id: number, bytes: Uint8Array): void;
  end(id: number): void;
  error(id: number, error: Wire): void;
}

/** A child's exports go out as `body` events in its report. */
export function outboxSink(outbox: Outbox): StreamSink {
  return {
    chunk: (stream, bytes) => outbox.push({ type: 'body', stream, bytes }),
    end: (stream) => outbox.push({ type: 'body-end', stream }),
    error: (stream, error) => outbox.push({ type: 'body-error', stream, error }),
  };
}

interface Outgoing {
  readonly source: Readable;
  readonly mapError: (error: unknown) => unknown;
  credit: number;
}

export interface ExportOptions {
  /** What the coordinator's reader gets for an error of the source (e.g. got's errors as requests' exceptions). */
  mapError?: (error: unknown) => unknown;
}

export class OutgoingStreams {
  private nextId = 1;
  private readonly streams = new Map<number, Outgoing>();
  private emptied: (() => void) | undefined;

  constructor(private readonly sink: StreamSink) {}

  get size(): number {
    return this.streams.size;
  }

  /** Registers `source`, silent until `start` (the reply naming it must leave first); `id` when the reader chose it. */
  add(source: Readable, options: ExportOptions = {}, id = this.nextId++): number {
    source.pause();
    this.streams.set(id, { source, mapError: options.mapError ?? ((error) => error), credit: STREAM_WINDOW_BYTES });
    return id;
  }

  start(id: number): void {
    const outgoing = this.streams.get(id);
    if (outgoing === undefined) return;
    const { source } = outgoing;
    source.on('data', (data: Uint8Array | string) => {
      // A Readable of strings (setEncoding, objectMode) still travels as bytes.
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      this.sink.chunk(id, bytes);
      outgoing.credit -= bytes.byteLength;
      if (outgoing.credit <= 0) source.pause();
    });
    source.once('end', () => {
      this.sink.end(id);
      this.remove(id);
    });
    source.once('error', (error) => {
      const reply = replyWithError(outgoing.mapError(error));
      if (!reply.ok) this.sink.error(id, reply.error);
      this.remove(id);
    });
    if (outgoing.credit > 0) source.resume();
  }

  credit(id: number, bytes: number): void {
    const outgoing = this.streams.get(id);
    if (outgoing === undefined) return;
    outgoing.credit += bytes;
    if (outgoing.credit > 0 && outgoing.source.isPaused()) outgoing.source.resume();
  }

  /** Nobody will read it: destroying the source releases its connection. */
  cancel(id: number): void {
    const outgoing = this.streams.get(id);
    if (outgoing === undefined) return;
    this.remove(id);
    outgoing.source.destroy();
  }

  cancelAll(): void {
    for (const id of [...this.streams.keys()]) this.cancel(id);
  }

  /** Resolves once no stream is left (an 'exit' waits for the bodies still being sent). */
  whenEmpty(): Promise<void> {
    if (this.streams.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.emptied;
      this.emptied = () => {
        previous?.();
        resolve();
      };
    });
  }

  private remove(id: number): void {
    this.streams.delete(id);
    if (this.streams.size > 0 || this.emptied === undefined) return;
    const emptied = this.emptied;
    this.emptied = undefined;
    emptied();
  }
}
