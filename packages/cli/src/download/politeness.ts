/**
 * Politeness flags of `rf download` that the coordinator applies itself:
 * --wait (a pause between request starts to one host) and the status codes
 * of --retry-on-http-error. (--max-per-host is the session's perHostLimit.)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
// Not from the package root: `rf --help` must not load the engine (startup.test.ts).
import { DEFAULT_RETRY_STATUS_CODES } from '@requests-futures/core/request-defaults';
import { UsageError } from '../errors.js';

/** "500,502, 504" → [429, 500, 502, 503, 504]: the given codes on top of the engine's own (kept when more are asked for). */
export function parseRetryStatusCodes(option: string, value: string): number[] {
  const codes = value.split(',').map((part) => part.trim());
  const numbers = codes.map((code) => {
    const n = Number(code);
    if (!/^\d{3}$/.test(code) || n < 400 || n > 599) {
      throw new UsageError(`${option} takes HTTP error codes (400-599) separated by commas, got ${JSON.stringify(value)}`);
    }
    return n;
  });
  return [...new Set([...DEFAULT_RETRY_STATUS_CODES, ...numbers])].sort((a, b) => a - b);
}

/**
 * Spaces the starts of requests to one origin by `waitMs`: each caller gets
 * the origin's next free instant and sleeps until then. Requests to other
 * origins are not held back by this origin's schedule, but the list is read in
 * order, so an entry waiting for its turn delays the ones after it.
 * Memory: one timestamp per origin seen.
 */
export class HostPacer {
  private readonly nextStart = new Map<string, number>();

  constructor(private readonly waitMs: number) {}

  /** Resolves when a request to `url` may start (at once when aborted). */
  async waitTurn(url: string, signal?: AbortSignal): Promise<void> {
    const origin = new URL(url).origin;
    const now = performance.now();
    const start = Math.max(now, this.nextStart.get(origin) ?? now);
    this.nextStart.set(origin, start + this.waitMs);
    if (start <= now) return;
    await sleep(start - now, undefined, signal ? { signal } : {}).catch(() => undefined);
    // A timer may fire late: the next turn counts from when this one really began.
    const began = performance.now();
    if (began > start) this.nextStart.set(origin, Math.max(this.nextStart.get(origin) ?? 0, began + this.waitMs));
  }
}
