/**
 * @requests-futures/distributed: the Executor interface on BullMQ and Redis,
 * with workers (`rf worker`) on any machine that reaches the Redis server.
 */
export { DistributedExecutor, type DistributedExecutorOptions } from './distributed-executor.js';
export { DistributedWorker, type DistributedWorkerOptions } from './worker/distributed-worker.js';
export { WorkerLost, VersionMismatch, JobFormatError, RedisJobLost } from './errors.js';
export { JOB_FORMAT } from './envelope.js';
