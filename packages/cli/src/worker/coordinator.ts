/**
 * The coordinator side of `--redis URL --queue NAME` for rf's other commands:
 * a DistributedExecutor whose tasks `rf worker` processes run. bullmq and
 * ioredis load only when such a flag is given.
 */
import type { Executor } from '@requests-futures/core';
import { UsageError } from '../errors.js';

export interface DistributedFlags {
  redis: string;
  queue: string;
}

/** Both flags or neither; refused with a usage error otherwise. */
export function toDistributedFlags(redis: string | undefined, queue: string | undefined): DistributedFlags | undefined {
  if (redis === undefined && queue === undefined) return undefined;
  if (redis === undefined || queue === undefined) throw new UsageError('--redis URL and --queue NAME go together');
  if (!/^rediss?:\/\/[^/]/.test(redis)) throw new UsageError(`--redis must be a redis:// URL (e.g. redis://127.0.0.1:6379), got ${JSON.stringify(redis)}`);
  // BullMQ refuses ':' in a queue name; said here with the flag's name.
  if (queue === '' || queue.includes(':')) throw new UsageError(`--queue must be a non-empty name without ':', got ${JSON.stringify(queue)}`);
  return { redis, queue };
}

export async function openDistributedExecutor(flags: DistributedFlags, maxQueued: number): Promise<Executor> {
  const { DistributedExecutor } = await import('@requests-futures/distributed');
  try {
    return new DistributedExecutor({ redis: flags.redis, queue: flags.queue, maxQueued });
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}
