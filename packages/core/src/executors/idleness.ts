/**
 * An executor's account of being idle (nothing queued, nothing running, no
 * pump pending) and what follows from it; both executors use it, with the
 * pump that hands their queued tasks over (MicrotaskPump).
 *
 * - Once idle, it wakes whoever waits for that (shutdown, bounded abort).
 * - ProcessPoolExecutor: while it has work it holds the event loop open with
 *   one timer handle (busy()): tinypool unrefs its children and their IPC
 *   channels (an idle pool must not keep a script from exiting), so a pending
 *   future alone would not stop Node from quitting, with exit code 13, under
 *   `await future`. With `idleTimeout`, being idle arms the timer that retires
 *   the pool; the next task builds a fresh one (its children start as tasks need them).
 */
const NEVER_MS = 2 ** 31 - 1;

export interface IdleHost {
  isIdle(): boolean;
  /** With an idle timeout: there is something to retire and the executor is not shutting down. */
  mayRetire?(): boolean;
  /** The idle timeout passed and the executor is still idle. */
  retire?(): void;
}

/**
 * Runs `fn` as a microtask, as queueMicrotask() does, but as a reaction to a
 * settled promise: Node 20's queueMicrotask wraps every callback in an
 * AsyncResource and enters it to run (about 200-450 ns against 70 here, and
 * a cold coordinator compiling async_hooks' internals), which a pump per
 * request paid. The reaction runs in its caller's AsyncLocalStorage context
 * as well, in the same queue, in the same order.
 */
const settled = Promise.resolve();
export function runAsMicrotask(fn: () => void): void {
  void settled.then(fn);
}

/** One pump per microtask, however many submits came in the same tick (so cancel() right after submit wins). */
export class MicrotaskPump {
  private scheduled = false;

  constructor(private readonly pump: () => void) {}

  /** A pump is due: the executor is not idle yet. */
  get pending(): boolean {
    return this.scheduled;
  }

  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    runAsMicrotask(() => {
      this.scheduled = false;
      this.pump();
    });
  }
}

export class Idleness {
  private holdTimer: NodeJS.Timeout | undefined;
  private waiters: Array<() => void> = [];
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly host: IdleHost,
    private readonly idleTimeoutMs?: number,
  ) {}

  /** Work arrived: Node must not quit before it settles. */
  busy(): void {
    this.holdTimer ??= setInterval(() => {}, NEVER_MS);
  }

  /** Call whenever work may have ended. */
  notifyIfIdle(): void {
    if (!this.host.isIdle()) return;
    if (this.holdTimer !== undefined) {
      clearInterval(this.holdTimer);
      this.holdTimer = undefined;
    }
    for (const resolve of this.waiters.splice(0)) resolve();
    this.startIdleTimer();
  }

  whenIdle(): Promise<void> {
    if (this.host.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  clearIdleTimer(): void {
    if (this.idleTimer === undefined) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private startIdleTimer(): void {
    if (this.idleTimeoutMs === undefined || this.idleTimer !== undefined || this.host.mayRetire?.() !== true) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.host.isIdle()) this.host.retire?.();
    }, this.idleTimeoutMs);
    this.idleTimer.unref();
  }
}
