/**
 * Python's concurrent.futures.process.BrokenProcessPool, narrowed to what this
 * pool does: a child that dies fails only the tasks it was running; the pool
 * replaces it and stays usable.
 */

/** How a child process ended, as its ChildProcess 'exit' event reported it. */
export interface ChildExit {
  readonly pid: number;
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface BrokenProcessPoolDetails {
  readonly pid?: number;
  readonly exitCode?: number | null;
  readonly signal?: NodeJS.Signals | null;
  readonly cause?: unknown;
}

export class BrokenProcessPool extends Error {
  override readonly name = 'BrokenProcessPool' as const;
  readonly code = 'ERR_BROKEN_PROCESS_POOL' as const;
  /** The child that died, when known. */
  readonly pid: number | undefined;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;

  constructor(message: string, details: BrokenProcessPoolDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.pid = details.pid;
    this.exitCode = details.exitCode ?? null;
    this.signal = details.signal ?? null;
  }

  /** A task was running in `exit.pid` when it died. */
  static whileRunning(exit: ChildExit, cause?: unknown): BrokenProcessPool {
    return new BrokenProcessPool(
      `A child process of the pool (pid ${exit.pid}) ${describeExit(exit)} while running this task; the pool replaces it`,
      { pid: exit.pid, exitCode: exit.code, signal: exit.signal, cause },
    );
  }

  /** `exit.pid` held this task but sent no sign of life for `silentMs`, so the pool killed it. */
  static unresponsive(exit: ChildExit, silentMs: number, cause?: unknown): BrokenProcessPool {
    return new BrokenProcessPool(
      `A child process of the pool (pid ${exit.pid}) was unresponsive (no heartbeat for ${(silentMs / 1000).toFixed(1)} s, see heartbeatTimeout) ` +
        `while running this task and was killed; the pool replaces it`,
      { pid: exit.pid, exitCode: exit.code, signal: exit.signal, cause },
    );
  }

  /** The caller stopped every child (`terminateWorkers()` / `killWorkers()`) while `exit.pid` held this task. */
  static stopped(exit: ChildExit, method: string, started: boolean, cause?: unknown): BrokenProcessPool {
    const what = started ? 'while running this task' : 'before this task could start';
    return new BrokenProcessPool(`The pool's children were stopped by ${method}: pid ${exit.pid} ${describeExit(exit)} ${what}`, {
      pid: exit.pid,
      exitCode: exit.code,
      signal: exit.signal,
      cause,
    });
  }

  /**
   * The task never got to start: every child it was sent to died first.
   * `startSilentMs`: the last one never said it was ready, and the liveness check killed it after that long.
   */
  static beforeStart(attempts: number, exit: ChildExit | undefined, cause?: unknown, startSilentMs?: number): BrokenProcessPool {
    const why = startSilentMs === undefined ? '' : ` after it did not start within ${(startSilentMs / 1000).toFixed(1)} s (see heartbeatTimeout)`;
    const last = exit ? `; the last one (pid ${exit.pid}) ${describeExit(exit)}${why}` : '';
    return new BrokenProcessPool(
      `The task was sent to ${attempts} child processes and each died before it could start${last}`,
      { pid: exit?.pid, exitCode: exit?.code, signal: exit?.signal, cause },
    );
  }
}

export function describeExit(exit: ChildExit): string {
  if (exit.signal !== null) return `was killed by signal ${exit.signal}`;
  if (exit.code !== null) return `exited with code ${exit.code}`;
  return 'terminated abruptly';
}
