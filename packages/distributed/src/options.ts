/** DistributedExecutor's options: defaults and validation, with the option's name in every error. */
import { checkName, parseRedisUrl } from './connection.js';

export interface DistributedExecutorOptions {
  /** Where the queue lives, e.g. 'redis://127.0.0.1:6379'. */
  redis: string | URL;
  /** The BullMQ queue name the workers consume (`rf worker --queue NAME`). */
  queue: string;
  /**
   * Jobs in Redis at most (waiting or running); more tasks wait in this process,
   * where cancel() is free. Keeps the events stream far below its trim length. Default 1000.
   */
  maxQueued?: number;
  /** Redis key prefix (BullMQ's `prefix`). Default 'rf'; workers must use the same. */
  prefix?: string;
  /**
   * Seconds a running task may go without any worker connected to the queue
   * before it fails with WorkerLost (BullMQ's stalled-job check needs a live
   * worker, so with none left a job would stay active forever). Default 30.
   */
  noWorkerTimeout?: number;
  /** Seconds Redis may stay unreachable before every pending task fails with RedisJobLost. Default 30. */
  redisTimeout?: number;
}

export interface ResolvedOptions {
  readonly redis: string;
  readonly queue: string;
  readonly maxQueued: number;
  readonly prefix: string;
  readonly noWorkerTimeoutMs: number;
  readonly redisTimeoutMs: number;
}

const OWNER = 'DistributedExecutor';
const KNOWN = new Set(['redis', 'queue', 'maxQueued', 'prefix', 'noWorkerTimeout', 'redisTimeout']);

export function resolveOptions(options: DistributedExecutorOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${OWNER}: options must be an object with redis and queue`);
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw new TypeError(`${OWNER}: unknown option ${JSON.stringify(key)} (known: ${[...KNOWN].join(', ')})`);
  return {
    redis: parseRedisUrl(options.redis, OWNER),
    queue: checkName(options.queue, 'queue', OWNER),
    prefix: checkName(options.prefix ?? 'rf', 'prefix', OWNER),
    maxQueued: positiveInteger(options.maxQueued ?? 1000, 'maxQueued'),
    noWorkerTimeoutMs: seconds(options.noWorkerTimeout ?? 30, 'noWorkerTimeout'),
    redisTimeoutMs: seconds(options.redisTimeout ?? 30, 'redisTimeout'),
  };
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new RangeError(`${OWNER}: ${name} must be a positive integer, got ${String(value)}`);
  return value;
}

function seconds(value: unknown, name: string): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) throw new RangeError(`${OWNER}: ${name} must be a positive number of seconds, got ${String(value)}`);
  return value * 1000;
}
