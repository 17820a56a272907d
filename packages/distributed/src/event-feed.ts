/**
 * One shared QueueEvents listener for every task of an executor (one reader
 * beats a waitUntilFinished per job, and adds no Redis call per job).
 *
 * QueueEvents' waitUntilReady() resolves before its first read, and events in
 * between are lost (FACTS.md: up to 157 of 200 results). So the reader starts
 * from the events stream's last id, read before any job is added.
 */
import { QueueEvents, type QueueEventsListener } from 'bullmq';
import type { Redis } from 'ioredis';
import { redisOptions } from './connection.js';

export interface FeedHandlers {
  active(jobId: string): void;
  completed(jobId: string, returnvalue: unknown): void;
  failed(jobId: string, failedReason: string): void;
  stalled(jobId: string): void;
  /** The reader exists (it may not be connected yet): whoever closes the executor needs it. */
  created(events: QueueEvents): void;
}

export async function startEventFeed(url: string, prefix: string, queue: string, client: Redis, handlers: FeedHandlers): Promise<QueueEvents> {
  const last = (await client.xrevrange(`${prefix}:${queue}:events`, '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
  const events = new QueueEvents(queue, {
    connection: redisOptions(url),
    prefix,
    autorun: true,
    // No stream yet: '0-0' reads it from its very first entry.
    lastEventId: last[0]?.[0] ?? '0-0',
  });
  handlers.created(events);
  const on = <E extends keyof QueueEventsListener>(event: E, listener: QueueEventsListener[E]): void => {
    events.on(event, listener);
  };
  on('active', ({ jobId }) => handlers.active(jobId));
  on('completed', ({ jobId, returnvalue }) => handlers.completed(jobId, returnvalue));
  on('failed', ({ jobId, failedReason }) => handlers.failed(jobId, failedReason));
  on('stalled', ({ jobId }) => handlers.stalled(jobId));
  // Connection errors surface through the executor's own Redis watch; an unheard 'error' would crash the process.
  on('error', () => {});
  await events.waitUntilReady();
  return events;
}
