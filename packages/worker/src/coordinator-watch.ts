/**
 * How a pool child learns that its coordinator is gone. A child whose
 * coordinator died (SIGKILL, an uncaught exception) is re-parented and would
 * otherwise go on downloading for nobody, racing the next run on the same
 * part files. Two signs, whichever comes first:
 *
 * - the IPC channel's 'disconnect': prompt when the coordinator exits;
 * - the parent pid changing (Linux re-parents an orphan to init or to a
 *   subreaper at the moment its parent exits), checked on an unref'd timer:
 *   it cannot be missed, even if the channel's end were held open elsewhere.
 */

/** How often the parent pid is checked: the delay before an orphan notices, at worst. */
export const PARENT_CHECK_MS = 250;

/**
 * Calls `onGone(why)` once, when the coordinator is gone; returns the stop
 * function. `parent` is the coordinator's pid as it told the child (so that a
 * coordinator that died before this watch began is noticed too), default the
 * parent pid now.
 */
export function watchCoordinator(onGone: (why: string) => void, parent = process.ppid, intervalMs = PARENT_CHECK_MS): () => void {
  let stopped = false;
  const stop = (): void => {
    stopped = true;
    clearInterval(timer);
    process.off('disconnect', onDisconnect);
  };
  const fire = (why: string): void => {
    if (stopped) return;
    stop();
    onGone(why);
  };
  const onDisconnect = (): void => fire('its IPC channel to the coordinator closed');
  process.on('disconnect', onDisconnect);
  // process.ppid asks the kernel each time (getppid), so a re-parenting shows at once.
  const check = (): void => {
    if (process.ppid !== parent) fire(`its coordinator (pid ${parent}) exited`);
  };
  const timer = setInterval(check, intervalMs);
  // An idle child is kept alive by its IPC channel, not by this check.
  timer.unref();
  if (process.send !== undefined && !process.connected) fire('its IPC channel to the coordinator closed');
  check();
  return stop;
}

/** The abort reason of the tasks a child was running when its coordinator went away. */
export class CoordinatorGoneError extends Error {
  override readonly name = 'CoordinatorGoneError' as const;
  readonly code = 'ERR_COORDINATOR_GONE' as const;

  constructor(why: string) {
    super(`aborted: the pool child ${process.pid} stops because ${why}`);
  }
}
