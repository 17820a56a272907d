/**
 * A child's end of uploads: the request body a task's UploadRef names,
 * opened when the request is sent, as a Readable fed by the coordinator's
 * `upload` messages. Its consumer's pace goes back as credit (incoming-streams.ts),
 * so the coordinator reads its source no faster than the server takes the
 * body. Whatever a task opened and did not finish is cancelled when the task ends.
 */
import type { Readable } from 'node:stream';
import type { Outbox } from './outbox.js';
import { IncomingStream } from './incoming-streams.js';
import type { UploadMessage } from './protocol.js';

export class UploadStreams {
  private nextId = 1;
  private readonly streams = new Map<number, IncomingStream>();
  private readonly byTask = new Map<number, Set<number>>();

  constructor(
    private readonly outbox: Outbox,
    private readonly decodeError: (message: UploadMessage & { __rf: 'upload-error' }) => unknown,
  ) {}

  /** The body of offer `token`, for task `taskId`. */
  open(token: string, taskId: number): Readable {
    const id = this.nextId++;
    const stream = new IncomingStream(
      {
        credit: (bytes) => this.outbox.push({ type: 'upload-credit', stream: id, bytes }),
        cancel: () => this.outbox.push({ type: 'upload-cancel', stream: id }),
      },
      () => {
        this.streams.delete(id);
        this.byTask.get(taskId)?.delete(id);
      },
    );
    this.streams.set(id, stream);
    let opened = this.byTask.get(taskId);
    if (opened === undefined) this.byTask.set(taskId, (opened = new Set()));
    opened.add(id);
    this.outbox.push({ type: 'upload-open', upload: token, stream: id });
    return stream;
  }

  receive(message: UploadMessage): void {
    const stream = this.streams.get(message.stream);
    if (stream === undefined) return; // cancelled here meanwhile
    if (message.__rf === 'upload') stream.receive(message.bytes);
    else if (message.__rf === 'upload-end') stream.receiveEnd();
    else stream.receiveError(this.decodeError(message));
  }

  /** The task replied: a body it did not read to its end is cancelled (the coordinator stops its source). */
  taskEnded(taskId: number): void {
    const opened = this.byTask.get(taskId);
    this.byTask.delete(taskId);
    for (const id of opened ?? []) this.streams.get(id)?.destroy();
  }
}
