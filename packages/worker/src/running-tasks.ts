/**
 * The abort switch of each task running in this child, by task id, so that the
 * coordinator can stop one request without killing the child and with it every
 * other request the child is serving.
 */

/**
 * One task's abort. Its AbortSignal is made only when something reads it (a
 * hook's currentTask().signal, a retry's sleep) or when the task is aborted:
 * Node's AbortController and an 'abort' listener per request were ≈8 % of a
 * fresh child's CPU over its first 3,000 GETs (benchmarks/README.md, #14).
 * The HTTP engine listens through listen() instead, called after the signal's own listeners.
 */
export class TaskAbort {
  private controller: AbortController | undefined;
  private listeners: Array<() => void> | undefined;

  get signal(): AbortSignal {
    return (this.controller ??= new AbortController()).signal;
  }

  get aborted(): boolean {
    return this.controller !== undefined && this.controller.signal.aborted;
  }

  /** The signal's reason (AbortController's AbortError DOMException when none was given). */
  get reason(): unknown {
    return this.controller?.signal.reason;
  }

  /** Calls `onAbort` once, when the task is aborted; what it returns stops listening. */
  listen(onAbort: () => void): () => void {
    (this.listeners ??= []).push(onAbort);
    return () => {
      const listeners = this.listeners;
      const at = listeners === undefined ? -1 : listeners.indexOf(onAbort);
      if (at >= 0) listeners!.splice(at, 1);
    };
  }

  abort(reason: unknown): void {
    const signal = this.signal;
    if (signal.aborted) return;
    this.controller!.abort(reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners !== undefined) for (const onAbort of listeners) onAbort();
  }
}

export class RunningTasks {
  private readonly tasks = new Map<number, TaskAbort>();

  get size(): number {
    return this.tasks.size;
  }

  /** Registers the task before it is announced, so an abort can never arrive for an unknown id. */
  begin(id: number): TaskAbort {
    if (this.tasks.has(id)) throw new Error(`Task ${id} is already running in this child`);
    const abort = new TaskAbort();
    this.tasks.set(id, abort);
    return abort;
  }

  end(id: number): void {
    this.tasks.delete(id);
  }

  /** An abort for a task that already finished is a normal race and is ignored. */
  abort(id: number, reason: unknown): void {
    this.tasks.get(id)?.abort(reason);
  }

  /** Every running task, e.g. when the coordinator is gone and nobody would hear their results. */
  abortAll(reason: unknown): void {
    for (const abort of this.tasks.values()) abort.abort(reason);
  }
}
