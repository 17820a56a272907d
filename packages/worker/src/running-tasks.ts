/**
 * The abort switch of each task running in this child, by task id, so that the
 * coordinator can stop one request without killing the child and with it every
 * other request the child is serving.
 */
export class RunningTasks {
  private readonly controllers = new Map<number, AbortController>();

  get size(): number {
    return this.controllers.size;
  }

  /** Registers the task before it is announced, so an abort can never arrive for an unknown id. */
  begin(id: number): AbortSignal {
    if (this.controllers.has(id)) throw new Error(`Task ${id} is already running in this child`);
    const controller = new AbortController();
    this.controllers.set(id, controller);
    return controller.signal;
  }

  end(id: number): void {
    this.controllers.delete(id);
  }

  /** An abort for a task that already finished is a normal race and is ignored. */
  abort(id: number, reason: unknown): void {
    this.controllers.get(id)?.abort(reason);
  }

  /** Every running task, e.g. when the coordinator is gone and nobody would hear their results. */
  abortAll(reason: unknown): void {
    for (const controller of this.controllers.values()) controller.abort(reason);
  }
}
