/**
 * A worker's side of abort(): the coordinator PUBLISHes { jobId, reason } on
 * the queue's abort channel (BullMQ's cancelJob works only inside the worker
 * process); the job running here with that id has its signal aborted.
 */
import type { Redis } from 'ioredis';
import { abortChannel, type AbortRequest } from '../channels.js';

export class AbortListener {
  private readonly controllers = new Map<string, AbortController>();

  constructor(private readonly subscriber: Redis, prefix: string, queue: string) {
    const channel = abortChannel(prefix, queue);
    subscriber.on('message', (from: string, text: string) => {
      if (from === channel) this.onRequest(text);
    });
    this.ready = subscriber.subscribe(channel).then(() => {});
  }

  readonly ready: Promise<void>;

  /** The signal of one job while it runs here; call the returned function when it ends. */
  begin(jobId: string): [AbortSignal, () => void] {
    const controller = new AbortController();
    this.controllers.set(jobId, controller);
    return [controller.signal, () => this.controllers.delete(jobId)];
  }

  private onRequest(text: string): void {
    let request: Partial<AbortRequest>;
    try {
      request = JSON.parse(text) as Partial<AbortRequest>;
    } catch {
      return; // Not ours to interpret.
    }
    if (typeof request.jobId !== 'string') return;
    const reason = new Error(request.reason === undefined ? 'aborted by the coordinator' : `aborted by the coordinator: ${request.reason}`);
    reason.name = 'AbortError';
    this.controllers.get(request.jobId)?.abort(reason);
  }
}
