/**
 * The unread bodies of a session's `stream: true` responses: closing the
 * session releases their connections, as requests' Session.close() closes
 * its connection pools. Holds the streams only, never the responses, so a
 * response dropped unread can still be collected (and released then).
 */
import type { Readable } from 'node:stream';
import { openBodyStream } from '../http/streamed-body.js';

export class OpenBodies {
  private readonly streams = new Set<Readable>();

  track(value: unknown): void {
    const stream = openBodyStream(value);
    if (stream === undefined || stream.destroyed) return;
    this.streams.add(stream);
    stream.once('close', () => this.streams.delete(stream));
  }

  closeAll(): void {
    for (const stream of this.streams) stream.destroy();
    this.streams.clear();
  }
}
