/**
 * Redis connections as BullMQ needs them. Worker and QueueEvents block on
 * Redis and throw unless `maxRetriesPerRequest` is null; with it, a command
 * issued while Redis is away waits for the reconnection instead of failing.
 */
import type { RedisOptions } from 'bullmq';
import { Redis, type RedisOptions as IORedisOptions } from 'ioredis';

export function parseRedisUrl(redis: unknown, owner: string): string {
  const text = redis instanceof URL ? redis.href : redis;
  if (typeof text !== 'string' || text === '') throw new TypeError(`${owner}: redis must be a redis:// URL (e.g. 'redis://127.0.0.1:6379'), got ${describe(redis)}`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`${owner}: redis must be a redis:// URL (e.g. 'redis://127.0.0.1:6379'), got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new TypeError(`${owner}: redis must use redis: or rediss:, got ${JSON.stringify(url.protocol)}`);
  return url.href;
}

/**
 * Options for the connections BullMQ makes and closes itself. Reconnection is
 * retried every 0.2–2 s (BullMQ's default backs off to 20 s, which would make a
 * restarted Redis look down for that long).
 */
export function redisOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
  };
}

/** A connection of our own (commands, pub/sub), closed by whoever made it. */
export function connect(url: string): Redis {
  const redis = new Redis(redisOptions(url) as IORedisOptions);
  // Connection errors are watched through 'close'/'ready'; an unheard 'error' would crash the process.
  redis.on('error', () => {});
  return redis;
}

/** Queue names become parts of Redis keys and of job ids' owners: the characters BullMQ itself refuses (':') are refused here, with the option's name. */
export function checkName(value: unknown, option: string, owner: string): string {
  if (typeof value !== 'string' || value === '' || value.includes(':')) {
    throw new TypeError(`${owner}: ${option} must be a non-empty string without ':', got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value;
}
