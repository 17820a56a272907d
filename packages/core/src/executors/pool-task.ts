/**
 * One ProcessPoolExecutor task as the coordinator tracks it, and the checks
 * and encodings that let a task and its abort reason travel to a child.
 */
import { PicklingError, encode, isFnRef, type FnRef, type Wire } from '@requests-futures/serializer';
import type { TaskMessage } from '@requests-futures/worker';
import type { Future } from '../futures/future.js';
import type { ChildSlot } from './child-slot.js';
import type { QueueEntry } from './dispatch-queue.js';

export interface PoolTask {
  readonly id: number;
  readonly future: Future<any>;
  readonly message: TaskMessage;
  /** Set while the task waits in the dispatch queue. */
  entry: QueueEntry<PoolTask> | undefined;
  /** The child it was sent to (undefined: in the coordinator's queue). */
  slot: ChildSlot<PoolTask> | undefined;
  /** That child announced the task: it may have had effects, so it never runs elsewhere. */
  started: boolean;
  /** Children that died holding this task before it started (retirements not counted). */
  lostBeforeStart: number;
}

export function requireFnRef(fn: unknown): FnRef {
  if (isFnRef(fn)) return fn;
  if (typeof fn === 'function') throw new PicklingError('function', 'fn');
  throw new TypeError(`ProcessPoolExecutor: fn must be an fnRef(moduleUrl, exportName); got ${fn === null ? 'null' : typeof fn}`);
}

/** The reason travels when it can; otherwise the child aborts with its default AbortError. */
export function encodeReason(reason: unknown): Wire | undefined {
  if (reason === undefined) return undefined;
  try {
    return encode(reason, { rootPath: 'reason' });
  } catch {
    return undefined;
  }
}
