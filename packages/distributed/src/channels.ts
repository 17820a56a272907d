/** Names both sides derive from (prefix, queue): they must agree, so they are made in one place. */

/** Pub/sub channel on which the coordinator asks workers to abort a running job. */
export function abortChannel(prefix: string, queue: string): string {
  return `${prefix}:${queue}:rf-abort`;
}

/** The job hash field where a worker writes its name when it takes a job, read once that worker is lost. */
export const HOLDER_FIELD = 'rfHolder';

export function jobKey(prefix: string, queue: string, jobId: string): string {
  return `${prefix}:${queue}:${jobId}`;
}

export interface AbortRequest {
  readonly jobId: string;
  /** Why, as text: abort reasons are for people reading logs, the coordinator already settled the future. */
  readonly reason?: string;
}

/** BullMQ's lock on a job a worker holds (PX lockDuration), renewed by that worker while it is alive. */
export function lockKey(prefix: string, queue: string, jobId: string): string {
  return `${jobKey(prefix, queue, jobId)}:lock`;
}
