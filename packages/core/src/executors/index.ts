/** The executors: the Executor interface, the in-process and the child-process pools, and their errors. */
export { DEFAULT_ABORT_GRACE_SECONDS, type Executor, type MapOptions, type ShutdownOptions, type Task } from './executor.js';
export { ExecutorShutdownError } from './errors.js';
export { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from './thread-pool.js';
export {
  ProcessPoolExecutor,
  type ProcessPoolExecutorOptions,
  type ProcessPoolStats,
  type TaskProgressListener,
  type TaskLostListener,
} from './process-pool.js';
export { DEFAULT_HEARTBEAT_TIMEOUT_SECONDS, MAX_PROCESS_WORKERS } from './process-pool-options.js';
export { BrokenProcessPool, type BrokenProcessPoolDetails, type ChildExit } from './broken-process-pool.js';
export { mapLazily, type MapLazilyOptions } from './map-lazily.js';
export {
  DrainCancelledError,
  DrainDeadlineError,
  type DrainOptions,
  type DrainReport,
} from './drain.js';
export type {
  ExecutorEventMap,
  ExecutorEventName,
  ExecutorListener,
  ExecutorStats,
  ObservableExecutor,
} from './events.js';
