/**
 * One job, as a worker runs it: refuse what it cannot trust (another version,
 * data that does not decode), refuse to rerun a task its lost holder may have
 * started unless the coordinator marked it safe, then run it and reply. The
 * reply is always a completed job carrying an encoded outcome, so an error
 * keeps its class; BullMQ's own `failed` is left for what BullMQ decides
 * (stalled too often).
 */
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { decode } from '@requests-futures/serializer';
import { replyWithError, replyWithValue, type TaskPayload } from '@requests-futures/worker';
import { HOLDER_FIELD, jobKey } from '../channels.js';
import { readJobData, replyToText, textToWire } from '../envelope.js';
import { WorkerLost } from '../errors.js';
import type { AbortListener } from './abort-listener.js';
import { localFnRef } from './engine-refs.js';
import type { TaskRunner } from './task-runner.js';

export interface JobRunnerContext {
  readonly name: string;
  readonly prefix: string;
  readonly queue: string;
  readonly commands: Redis;
  readonly aborts: AbortListener;
  readonly runner: TaskRunner;
}

export async function runJob(job: Job, context: JobRunnerContext): Promise<string> {
  const key = jobKey(context.prefix, context.queue, job.id!);
  // First: an abort may already be on its way.
  const [signal, end] = context.aborts.begin(job.id!);
  try {
    const data = readJobData(job.data);
    if (job.stalledCounter > 0 && !data.retryOnLoss) {
      const holder = (await context.commands.hget(key, HOLDER_FIELD)) ?? 'an unknown worker';
      throw new WorkerLost(`The worker ${holder} was lost while running this task; it may have had effects, so it is not run again`, holder);
    }
    await context.commands.hset(key, HOLDER_FIELD, context.name);
    const { fn, args } = decode<TaskPayload>(textToWire(data.task, 'the job task'));
    // Aborted before it started (the abort overtook the job): it never runs.
    signal.throwIfAborted();
    return replyToText(replyWithValue(await context.runner.run(localFnRef(fn), args, signal)));
  } catch (error) {
    return replyToText(replyWithError(error));
  } finally {
    end();
  }
}
