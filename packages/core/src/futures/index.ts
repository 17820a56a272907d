export { CancelledError, InvalidStateError, TimeoutError } from './errors.js';
export {
  Future,
  type AbortHandler,
  type DoneCallback,
  type FutureOptions,
  type FutureState,
  type IteratedFuture,
} from './future.js';
export {
  ALL_COMPLETED,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  wait,
  type DoneAndNotDoneFutures,
  type ReturnWhen,
  type WaitOptions,
} from './wait.js';
export { asCompleted } from './as-completed.js';
export { CALLBACK_WARNING_CODE, CALLBACK_WARNING_NAME } from './report-callback-error.js';
