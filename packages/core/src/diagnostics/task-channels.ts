/**
 * `node:diagnostics_channel` events for every task an executor runs, a bare
 * `executor.submit(fn, ...args)` as much as the request task a FuturesSession
 * submits (whose request has its own events: request-channels.ts). One
 * mutable `TaskDiagnostic` per task, published on each channel as its life
 * goes on. `start` and `queued` are published inside `submit()`, in the
 * caller's AsyncLocalStorage context; nothing is built while nobody listens.
 */
import { isFnRef } from '@requests-futures/serializer';
import type { Future } from '../futures/future.js';
import { LifecycleChannels, now, type LifecycleRecord } from './lifecycle.js';

/** The channel names, stable and public. */
export const TASK_CHANNELS = {
  /** `submit()` was called and accepted the task. */
  start: 'requests-futures:task:start',
  /** In the executor's queue. */
  queued: 'requests-futures:task:queued',
  /** The executor started it (in a process pool: handed to a child). */
  running: 'requests-futures:task:running',
  /** Its future finished with a value. */
  done: 'requests-futures:task:done',
  /** Its future failed or was cancelled (`outcome` says which). */
  error: 'requests-futures:task:error',
} as const;

export type TaskChannelName = keyof typeof TASK_CHANNELS;

export interface TaskDiagnostic extends LifecycleRecord {
  /** Unique in this process. */
  readonly id: number;
  /** The executor's class name, e.g. 'ProcessPoolExecutor'. */
  readonly executor: string;
  readonly crossesProcesses: boolean;
  /** What runs: an fnRef as `moduleUrl#exportName`, a function by its name ('(anonymous)' without one). */
  readonly task: string;
}

const channels = new LifecycleChannels<TaskDiagnostic>(TASK_CHANNELS);
let nextId = 1;

function taskName(task: unknown): string {
  if (isFnRef(task)) return `${task.moduleUrl}#${task.exportName}`;
  if (typeof task === 'function' && task.name !== '') return task.name;
  return '(anonymous)';
}

/** Publishes start and queued for `future`, and the rest as it happens; does nothing while nobody listens. */
export function traceTask(executor: string, crossesProcesses: boolean, task: unknown, future: Future<unknown>): void {
  if (!channels.listened) return;
  const record: TaskDiagnostic = { id: nextId++, executor, crossesProcesses, task: taskName(task), startTime: now() };
  channels.start(record);
  channels.queued(record);
  channels.runningWith(record, future);
  channels.endsWith(record, future);
}
