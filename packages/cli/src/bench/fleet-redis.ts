/** The two Redis connections of a fleet bench (one to publish, one to listen: a subscribed connection can do nothing else). */
import { Redis } from 'ioredis';
import { LoadStartError } from './errors.js';

/**
 * `reconnect: false` (the coordinator): a run fails at once when Redis is
 * away, with what was wrong. `reconnect: true` (a worker): it reconnects and
 * resubscribes, as its BullMQ connections do.
 */
export async function openFleetRedis(url: string, { reconnect }: { reconnect: boolean }): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: reconnect ? null : 1,
    retryStrategy: reconnect ? (times: number) => Math.min(200 * times, 2000) : () => null,
  });
  // Failures surface through connect() and the commands; an unheard 'error' would crash the process.
  redis.on('error', () => {});
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new LoadStartError(`cannot reach Redis at ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return redis;
}
