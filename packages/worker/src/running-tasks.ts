/**
 * The abort switch of each task running in this child, by task id, so that the
 * coordinator can stop one request without killing the child and with it every
 * other request the child is serving.
 */

/**
 * One task's abort, which the child's task context (entry.ts ChildTask)
 * extends: `aborted` and `onAbort` are read without an AbortSignal, which is made
 * only when something reads `signal` (a hook's currentTask().signal) or when
 * the task is aborted. Node's AbortController and an 'abort'
 * listener per request were ≈8 % of a fresh child's CPU over its first 3,000
 * GETs (benchmarks/README.md, #14); the HTTP engine watches through onAbort.
 */
export class TaskAbort {
  private controller: AbortController | undefined;
  private listeners: Array<(reason: unknown) => void> | undefined;

  get signal(): AbortSignal {
    return (this.controller ??= new AbortController()).signal;
  }

  get aborted(): boolean {
    return this.controller !== undefined && this.controller.signal.aborted;
  }

  /**
   * Calls `listener` once with the reason, when the task is aborted (at once if
   * it already is), after the signal's own listeners; what it returns stops listening.
   */
  onAbort(listener: (reason: unknown) => void): () => void {
    if (this.aborted) {
      listener(this.controller!.signal.reason);
      return stopNothing;
    }
    (this.listeners ??= []).push(listener);
    return () => {
      const listeners = this.listeners;
      const at = listeners === undefined ? -1 : listeners.indexOf(listener);
      if (at >= 0) listeners!.splice(at, 1);
    };
  }

  abort(reason: unknown): void {
    const signal = this.signal;
    if (signal.aborted) return;
    this.controller!.abort(reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    // The signal's reason: AbortController's AbortError when `reason` is undefined.
    if (listeners !== undefined) for (const listener of listeners) listener(signal.reason);
  }
}

function stopNothing(): void {}

/** `A`: what each task's abort is (the child's task contexts extend TaskAbort). */
export class RunningTasks<A extends TaskAbort = TaskAbort> {
  private readonly tasks = new Map<number, A>();

  get size(): number {
    return this.tasks.size;
  }

  /** Registers the task before it is announced, so an abort can never arrive for an unknown id. */
  begin(id: number, abort: A): A {
    if (this.tasks.has(id)) throw new Error(`Task ${id} is already running in this child`);
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
