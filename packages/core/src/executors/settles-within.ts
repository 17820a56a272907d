import { startTimer } from '../futures/timeout.js';

/** True if `promise` settles within `ms` (undefined: no limit); rethrows its rejection. The timer never outlives the wait. */
export async function settlesWithin(promise: Promise<void>, ms: number | undefined): Promise<boolean> {
  if (ms === undefined) {
    await promise;
    return true;
  }
  let stopTimer = (): void => {};
  const expired = new Promise<false>((resolve) => (stopTimer = startTimer(ms, () => resolve(false))));
  try {
    return await Promise.race([promise.then(() => true as const), expired]);
  } finally {
    stopTimer();
  }
}
