/**
 * ProcessPoolExecutor's liveness check: a child that holds tasks sends a
 * heartbeat every `heartbeatTimeout / 4` (@requests-futures/worker's
 * heartbeat.ts), and any message from it counts as a sign of life. One timer
 * per executor ticks at the same interval; a busy child that stays silent for
 * four ticks in a row is unresponsive (stopped, or its event loop blocked):
 * it is reported after between 1 and 1.25 × heartbeatTimeout of silence.
 *
 * A child still starting sends nothing until its 'ready' (its start-up, a
 * module load through a loader included, may take a while): once it holds
 * tasks it gets three times as long. One that never gets there (a preload of
 * the user's that never finishes) would otherwise hold its tasks forever.
 *
 * Counting ticks instead of reading a clock also keeps a stalled coordinator
 * from judging its children: an event loop blocked for a minute fires one
 * tick, not four, and reads the children's queued messages before the next.
 */

/** Consecutive silent ticks that make a busy child unresponsive. */
const SILENT_TICKS = 4;
/** The same for a child that holds tasks but has not said 'ready' yet. */
const STARTING_TICKS = 3 * SILENT_TICKS;

/** The interval of the child's heartbeat and of the check, for a given timeout. */
export function heartbeatIntervalMs(timeoutMs: number): number {
  return Math.max(1, Math.floor(timeoutMs / SILENT_TICKS));
}

/** A child as the check sees it (ChildSlot). */
export interface WatchedChild {
  /** It holds tasks: only then is its silence suspicious (an idle child sends nothing). */
  readonly busy: boolean;
  /** It has not said 'ready' yet: judged after STARTING_TICKS, not SILENT_TICKS. */
  readonly starting: boolean;
  /** Set by every message from the child (and when it gets work while idle); cleared by each tick. */
  heard: boolean;
  silentTicks: number;
  /** Set once it was judged unresponsive: after how many ms of silence. */
  unresponsiveAfterMs: number | undefined;
}

export class LivenessWatch<C extends WatchedChild> {
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;

  constructor(
    private readonly timeoutMs: number,
    private readonly children: () => Iterable<C>,
    private readonly onUnresponsive: (child: C) => void,
  ) {
    this.intervalMs = heartbeatIntervalMs(timeoutMs);
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    // Pending work keeps the process alive (idleness.ts), not this check.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    for (const child of this.children()) {
      if (child.unresponsiveAfterMs !== undefined) continue;
      if (!child.busy || child.heard) {
        child.heard = false;
        child.silentTicks = 0;
        continue;
      }
      child.silentTicks += 1;
      if (child.silentTicks < (child.starting ? STARTING_TICKS : SILENT_TICKS)) continue;
      child.unresponsiveAfterMs = child.silentTicks * this.intervalMs;
      this.onUnresponsive(child);
    }
  }
}
