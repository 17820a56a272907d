/**
 * Timeouts in this package are seconds (as in Python), where undefined or null
 * mean "wait forever". These helpers validate them once and arm timers that
 * are always cleared by the caller, so a finished wait leaves nothing behind.
 */

/** setTimeout silently turns delays above this into 1 ms. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Checks a timeout argument and converts it to milliseconds; undefined means no limit.
 * @throws TypeError when it is not a number, RangeError when it is negative or NaN (both name `argName`).
 */
export function timeoutToMs(value: unknown, argName: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') {
    throw new TypeError(`${argName} must be a number of seconds, null or undefined; got ${typeof value}`);
  }
  if (Number.isNaN(value) || value < 0) {
    throw new RangeError(`${argName} must be a non-negative number of seconds; got ${value}`);
  }
  if (value === Infinity) return undefined;
  return value * 1000;
}

/**
 * Calls `onExpire` after `ms` (which may exceed setTimeout's 24.8-day limit).
 * Returns a function that disarms it; calling that twice is harmless.
 */
export function startTimer(ms: number, onExpire: () => void): () => void {
  let handle: NodeJS.Timeout | undefined;
  let left = ms;
  // Long delays are split into legs; each leg re-arms until the total is spent.
  const arm = (): void => {
    const leg = Math.min(left, MAX_TIMER_DELAY_MS);
    left -= leg;
    handle = setTimeout(left > 0 ? arm : onExpire, leg);
  };
  arm();
  return () => clearTimeout(handle);
}
