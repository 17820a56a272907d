/**
 * What an executor living in another package (@requests-futures/distributed)
 * needs to behave like the two pools: the same counters and events, the same
 * lazy map, the same timeout parsing. Published as
 * `@requests-futures/core/executor-kit`; not part of the user-facing API.
 */
export { ExecutorMonitor } from './executors/events.js';
export { mapLazily } from './executors/map-lazily.js';
export { resolveMapOptions } from './executors/map-options.js';
export { settlesWithin } from './executors/settles-within.js';
export { timeoutToMs } from './futures/timeout.js';
/** How an executor runs a task in its context (rf worker runs them so). */
export { callTask, standaloneTaskContext, type TaskContext } from './task-context.js';
/** The request task's spec among a task's arguments, whichever form it crosses in (a lost worker's idempotent request may run again). */
export { crossingSpecOf } from './http/spec-wire.js';
