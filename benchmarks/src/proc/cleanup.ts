/**
 * One place that knows every process the harness started, so that Ctrl-C, a
 * crash or a normal exit all end them. Each child runs in its own process
 * group (spawned detached), so killing the group also reaches nginx's
 * workers or a Python pool's children, which would otherwise outlive a
 * killed parent.
 */

type AsyncStop = () => Promise<void>;

const groups = new Set<number>();
const stops = new Set<AsyncStop>();
let installed = false;
let stopping: Promise<void> | undefined;

/** Remember a detached child's process group so it is killed whatever happens. */
export function trackProcessGroup(pgid: number): () => void {
  groups.add(pgid);
  return () => groups.delete(pgid);
}

/** Register a graceful stop (closing pools, servers); it runs before the hard kill. */
export function onCleanup(stop: AsyncStop): () => void {
  stops.add(stop);
  return () => stops.delete(stop);
}

/** Kill every tracked process group at once; safe inside an 'exit' handler (synchronous). */
export function killTrackedGroupsNow(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, signal);
    } catch {
      // ESRCH: the group is already gone, which is what we want.
    }
  }
  groups.clear();
}

/** Run graceful stops (each bounded in time), then hard-kill what is left. */
export function cleanupAll(): Promise<void> {
  stopping ??= (async () => {
    const pending = [...stops];
    stops.clear();
    await Promise.all(
      pending.map((stop) =>
        Promise.race([stop().catch(() => undefined), new Promise<void>((r) => setTimeout(r, 5_000).unref())]),
      ),
    );
    killTrackedGroupsNow();
  })();
  return stopping;
}

/**
 * Signals and fatal errors still end our children: the harness may be
 * interrupted mid-scenario with nginx and pools running.
 */
export function installCleanupHandlers(): void {
  if (installed) return;
  installed = true;
  const fatal = (code: number, why: string, error?: unknown) => {
    if (error !== undefined) console.error(`\nbench: ${why}:`, error);
    else console.error(`\nbench: ${why}, stopping servers and workers`);
    void cleanupAll().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => fatal(130, 'interrupted'));
  process.once('SIGTERM', () => fatal(143, 'terminated'));
  process.once('SIGHUP', () => fatal(129, 'hang-up'));
  process.on('uncaughtException', (error) => fatal(1, 'uncaught exception', error));
  process.on('unhandledRejection', (error) => fatal(1, 'unhandled rejection', error));
  process.on('exit', () => killTrackedGroupsNow());
}
