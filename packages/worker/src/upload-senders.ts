/**
 * The coordinator's end of uploads: for each child, the bodies it pulls
 * (`upload-open`), sent as `upload` messages and paced by the child's credit,
 * with the sending machinery of exported response bodies run in reverse
 * (outgoing-streams.ts). A child that cancels or goes away stops its sources.
 */
import type { Readable } from 'node:stream';
import type { Wire } from '@requests-futures/serializer';
import { OutgoingStreams } from './outgoing-streams.js';
import type { ControlMessage, UploadEvent } from './protocol.js';
import { replyWithError } from './reply.js';
import { openOffer } from './upload-offers.js';

export class UploadSenders {
  private readonly byChild = new Map<number, OutgoingStreams>();

  constructor(private readonly send: (pid: number, message: ControlMessage) => void) {}

  receive(pid: number, event: UploadEvent): void {
    if (event.type === 'upload-open') this.open(pid, event.upload, event.stream);
    else if (event.type === 'upload-credit') this.byChild.get(pid)?.credit(event.stream, event.bytes);
    else this.byChild.get(pid)?.cancel(event.stream);
  }

  /** The child went away: its sources stop where they stand. */
  childLost(pid: number): void {
    this.byChild.get(pid)?.cancelAll();
    this.byChild.delete(pid);
  }

  /** Bodies being sent, to every child. */
  get size(): number {
    let size = 0;
    for (const streams of this.byChild.values()) size += streams.size;
    return size;
  }

  private open(pid: number, token: string, stream: number): void {
    let source: Readable | undefined;
    try {
      source = openOffer(token);
    } catch (error) {
      this.fail(pid, stream, error);
      return;
    }
    if (source === undefined) {
      this.fail(pid, stream, new Error(`The request body (upload ${token}) is no longer offered: it was already sent, or its request was settled`));
      return;
    }
    const streams = this.streamsOf(pid);
    streams.start(streams.add(source, {}, stream));
  }

  /** The child's request fails with `error` (encoded as a reply's error is). */
  private fail(pid: number, stream: number, error: unknown): void {
    const reply = replyWithError(error);
    if (!reply.ok) this.send(pid, { __rf: 'upload-error', stream, error: reply.error });
  }

  private streamsOf(pid: number): OutgoingStreams {
    let streams = this.byChild.get(pid);
    if (streams === undefined) {
      streams = new OutgoingStreams({
        chunk: (id, bytes) => this.send(pid, { __rf: 'upload', stream: id, bytes }),
        end: (id) => this.send(pid, { __rf: 'upload-end', stream: id }),
        error: (id, error: Wire) => this.send(pid, { __rf: 'upload-error', stream: id, error }),
      });
      this.byChild.set(pid, streams);
    }
    return streams;
  }
}
