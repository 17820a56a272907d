/**
 * A worker's side of abort(): the coordinator PUBLISHes { jobId, reason } on
 * the queue's abort channel (BullMQ's cancelJob works only inside the worker
 * process); the job running here with that id has its signal aborted.
 */
import type { Redis } from 'ioredis';
import { abortChannel, type AbortRequest } from '../channels.js';

/** Aborts remembered for jobs not (yet) running here; the oldest are forgotten first. */
const MAX_EARLY_ABORTS = 10_000;

export class AbortListener {
  private readonly controllers = new Map<string, AbortController>();
  private readonly early = new Map<string, Error>();

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
    const early = this.early.get(jobId);
    if (early !== undefined) {
      this.early.delete(jobId);
      controller.abort(early);
    }
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
    this.abort(request.jobId, request.reason === undefined ? 'aborted by the coordinator' : `aborted by the coordinator: ${request.reason}`);
  }

  /**
   * Aborts the job running here with this id. The coordinator hears 'active'
   * before the processor starts, so an abort can arrive first: it is kept for
   * that job (ids are never reused), within a bound, for every worker hears it.
   */
  abort(jobId: string, why: string): void {
    const reason = new Error(why);
    reason.name = 'AbortError';
    const controller = this.controllers.get(jobId);
    if (controller !== undefined) {
      controller.abort(reason);
      return;
    }
    this.early.set(jobId, reason);
    if (this.early.size > MAX_EARLY_ABORTS) this.early.delete(this.early.keys().next().value!);
  }
}
