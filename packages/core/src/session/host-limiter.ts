/**
 * perHostLimit, the one per-origin limiter of FuturesSession: request() goes
 * through the session's, and session.map() through the same one, or, with a
 * perHostLimit of its own, through one made for the map and nested in the
 * session's (`outer`). At most `limit` requests per origin handed on and not
 * yet done. A request over the limit is
 * held here, in the coordinator, as a HeldFuture, and handed over in
 * submission order (per origin) as that origin's requests finish. Holding it
 * here rather than in the executor keeps a saturated host from occupying
 * worker slots that other hosts could use.
 *
 * A slot frees when the executor's future is done; an aborted request's
 * future is done at once, even if its transfer takes a moment longer to stop.
 */
import { captureCallerContext } from '../futures/caller-context.js';
import type { Future } from '../futures/future.js';
import { HeldFuture } from './held-future.js';

/**
 * The "host" that perHostLimit counts: a URL's origin (scheme, host and
 * port), so 127.0.0.1 and localhost are two hosts, as are two ports of one.
 * A URL that does not parse counts as a host of its own (its request will fail anyway).
 */
export function originOf(url: string): string {
  try {
    const { origin } = new URL(url);
    // Non-special schemes have the opaque origin "null": do not lump them together.
    return origin === 'null' ? url : origin;
  } catch {
    return url;
  }
}

interface Waiting {
  readonly held: HeldFuture<any>;
  readonly start: () => Future<any>;
}

export class HostLimiter {
  private readonly inFlight = new Map<string, number>();
  private readonly waiting = new Map<string, Waiting[]>();

  /** `outer`: a limiter every request of this one also goes through (the session's, for a map's own limit). */
  constructor(
    readonly limit: number,
    private readonly outer?: HostLimiter,
  ) {}

  /** `start()` now if `origin` has a free slot (its errors thrown here); otherwise a HeldFuture started later. */
  run<T>(origin: string, start: () => Future<T>): Future<T> {
    // Whatever waits goes first (and requests cancelled while held make room).
    this.startWaiting(origin);
    if (this.count(origin) < this.limit && !this.waiting.has(origin)) return this.launch(origin, start);
    const held = new HeldFuture<T>();
    let queue = this.waiting.get(origin);
    if (!queue) this.waiting.set(origin, (queue = []));
    // Started later from another request's done callback: submit in this caller's context.
    const context = captureCallerContext();
    queue.push({ held, start: () => context.run(start) });
    return held;
  }

  /** Requests of `origin` handed to the executor and not done. */
  count(origin: string): number {
    return this.inFlight.get(origin) ?? 0;
  }

  private launch<T>(origin: string, start: () => Future<T>): Future<T> {
    this.inFlight.set(origin, this.count(origin) + 1);
    let future: Future<T>;
    try {
      future = this.outer ? this.outer.run(origin, start) : start();
    } catch (error) {
      this.release(origin);
      throw error;
    }
    future.addDoneCallback(() => {
      this.release(origin);
      this.startWaiting(origin);
    });
    return future;
  }

  private release(origin: string): void {
    const left = this.count(origin) - 1;
    if (left > 0) this.inFlight.set(origin, left);
    else this.inFlight.delete(origin);
  }

  private startWaiting(origin: string): void {
    const queue = this.waiting.get(origin);
    while (queue !== undefined && queue.length > 0 && this.count(origin) < this.limit) {
      const { held, start } = queue.shift()!;
      // Cancelled (or aborted) while held: it never reaches the executor.
      if (held.done()) continue;
      try {
        held.attach(this.launch(origin, start));
      } catch (error) {
        // Late refusals (a shared executor shut down meanwhile) fail this request only.
        held.setException(error);
      }
    }
    if (queue !== undefined && queue.length === 0) this.waiting.delete(origin);
  }
}
