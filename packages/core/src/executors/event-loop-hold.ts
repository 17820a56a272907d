/**
 * Keeps this process alive while an executor has work in child processes.
 * tinypool unrefs its children and their IPC channels (an idle pool must not
 * keep a script from exiting), so a pending future alone would not stop Node
 * from quitting, with exit code 13, under `await future`. One timer handle,
 * taken when work arrives and dropped when the executor is idle again.
 */
const NEVER_MS = 2 ** 31 - 1;

export class EventLoopHold {
  private timer: NodeJS.Timeout | undefined;

  hold(): void {
    this.timer ??= setInterval(() => {}, NEVER_MS);
  }

  release(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
