/**
 * The child's sign of life while it holds tasks: one small IPC message per
 * interval, from one timer per child (never per task), and none while idle.
 * A child whose event loop is blocked (a hook spinning) or that is stopped
 * (SIGSTOP) sends none, and the coordinator kills it (see core's
 * executors/liveness-watch.ts).
 */
export function startHeartbeat(intervalMs: number, busy: () => boolean, send: () => void): () => void {
  const timer = setInterval(() => {
    if (busy()) send();
  }, intervalMs);
  // Never what keeps a child alive.
  timer.unref();
  return () => clearInterval(timer);
}
