/**
 * The errors a distributed run adds to the pools' own. Each is registered with
 * the serializer, so one raised in a worker keeps its class in the coordinator.
 */
import { BrokenProcessPool } from '@requests-futures/core';
import { registerErrorClass } from '@requests-futures/serializer';

/**
 * The worker that held the task went away (SIGKILL, machine loss, lost
 * network) and the task was not safe to run again, or no worker was left to
 * notice. A BrokenProcessPool, as a pool child's death is.
 */
export class WorkerLost extends BrokenProcessPool {
  readonly worker: string;

  constructor(message: string, worker: string, options: { cause?: unknown } = {}) {
    super(message, options);
    // BrokenProcessPool's name is a literal type; this subclass names itself.
    (this as { name: string }).name = 'WorkerLost';
    this.worker = worker;
  }
}

/** A worker runs a different version of the engine or of the job format than the coordinator: it refuses the job. */
export class VersionMismatch extends Error {
  override readonly name = 'VersionMismatch';
  readonly code = 'ERR_RF_VERSION_MISMATCH';
}

/** Job data or a job's result that is not an envelope made by this package (or damaged on the way): refused, never guessed at. */
export class JobFormatError extends Error {
  override readonly name = 'JobFormatError';
  readonly code = 'ERR_RF_JOB_FORMAT';
}

/** Redis lost the task's job (a restart without persistence, a flush) or stayed unreachable too long. */
export class RedisJobLost extends Error {
  override readonly name = 'RedisJobLost';
  readonly code = 'ERR_RF_REDIS_JOB_LOST';
}

registerErrorClass(WorkerLost, 'rf.WorkerLost');
registerErrorClass(VersionMismatch, 'rf.VersionMismatch');
registerErrorClass(JobFormatError, 'rf.JobFormatError');
registerErrorClass(RedisJobLost, 'rf.RedisJobLost');
