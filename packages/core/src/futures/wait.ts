/**
 * wait(): resolve once a condition over a group of futures holds, as
 * concurrent.futures.wait does. Nothing is left attached to the futures or
 * the timer queue once the returned promise settles.
 */
import { addDoneWaiter, finishedWithException, removeDoneWaiter, type Future } from './future.js';
import { collectFutures } from './collect-futures.js';
import { startTimer, timeoutToMs } from './timeout.js';

/** Return as soon as any future finishes or is cancelled. */
export const FIRST_COMPLETED = 'FIRST_COMPLETED';
/** Return when any future finishes by raising; without one, the same as ALL_COMPLETED. */
export const FIRST_EXCEPTION = 'FIRST_EXCEPTION';
/** Return when every future has finished or been cancelled. */
export const ALL_COMPLETED = 'ALL_COMPLETED';

export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

export interface WaitOptions {
  /** Seconds; undefined or null waits without limit. Running out is not an error: see `notDone`. */
  timeout?: number | null;
  returnWhen?: ReturnWhen;
}

/** Each input future appears once (duplicates collapse), in exactly one of the two sets. */
export interface DoneAndNotDoneFutures<F> {
  done: Set<F>;
  notDone: Set<F>;
}

const RETURN_WHEN_VALUES: readonly string[] = [FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED];

export function wait<F extends Future<any, any>>(
  futures: Iterable<F>,
  options: WaitOptions = {},
): Promise<DoneAndNotDoneFutures<F>> {
  const { returnWhen = ALL_COMPLETED } = options;
  let timeoutMs: number | undefined;
  let all: Set<F>;
  try {
    timeoutMs = timeoutToMs(options.timeout, 'timeout');
    if (!RETURN_WHEN_VALUES.includes(returnWhen)) {
      throw new RangeError(`returnWhen must be one of ${RETURN_WHEN_VALUES.join(', ')}; got ${String(returnWhen)}`);
    }
    all = collectFutures(futures, 'wait');
  } catch (error) {
    return Promise.reject(error);
  }

  const done = new Set<F>();
  const notDone = new Set<F>();
  for (const future of all) (future.done() ? done : notDone).add(future);

  const satisfiedAlready =
    notDone.size === 0 ||
    (returnWhen === FIRST_COMPLETED && done.size > 0) ||
    (returnWhen === FIRST_EXCEPTION && [...done].some(finishedWithException));
  if (satisfiedAlready || timeoutMs === 0) return Promise.resolve({ done, notDone });

  return new Promise((resolve) => {
    const waiters = new Map<F, () => void>();
    let stopTimer = (): void => {};
    const finish = (): void => {
      stopTimer();
      for (const [future, waiter] of waiters) removeDoneWaiter(future, waiter);
      waiters.clear();
      resolve({ done, notDone });
    };
    for (const future of notDone) {
      const waiter = (): void => {
        waiters.delete(future);
        notDone.delete(future);
        done.add(future);
        if (
          notDone.size === 0 ||
          returnWhen === FIRST_COMPLETED ||
          (returnWhen === FIRST_EXCEPTION && finishedWithException(future))
        ) {
          finish();
        }
      };
      waiters.set(future, waiter);
      addDoneWaiter(future, waiter);
    }
    if (timeoutMs !== undefined) stopTimer = startTimer(timeoutMs, finish);
  });
}
