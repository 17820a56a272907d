/**
 * The context of the task that is running now: its abort signal, its id and
 * where its progress goes, in the coordinator and in a child process alike.
 *
 * It lives in core because both executors and the HTTP engine own it, and
 * packages import one way (worker → serializer, core → worker). A pool child's
 * entry (in @requests-futures/worker) cannot import core: the coordinator names
 * this module on the child's command line (TASK_RUNNER_FLAG) and the child
 * imports it by that URL, as it imports its tasks, so a child holds one store.
 *
 * A task reaches it in one of two ways. Tasks marked with `taskWithContext`
 * (the HTTP engine's request task) are handed it as their first argument.
 * Any other task reads it with `currentTask()`, which an AsyncLocalStorage
 * serves. On Node 20 the first `AsyncLocalStorage.run` turns on promise hooks
 * for the whole process, for good: every promise then pays for them. Measured
 * on small GETs through ProcessPoolExecutor, they were about 4 % of a child's
 * CPU; handing the context over directly keeps a request-only process free of them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Readable } from 'node:stream';
import type { ExportOptions } from '@requests-futures/worker';
// A pool child imports this module before it decodes its first task, whose spec may be in its own form: its reader is registered here.
import './http/spec-wire.js';

export interface TaskContext {
  /**
   * Aborted when the task's future is aborted (`future.abort()`, `close({ abort: true })`).
   * In a pool child it is made when first read: a task that only needs to
   * know of an abort uses `aborted` and `onAbort`, which never make it.
   */
  readonly signal: AbortSignal;
  /** True once the task is aborted; its reason is then `signal.reason`. */
  readonly aborted: boolean;
  /**
   * Calls `listener` once with the abort's reason when the task is aborted (at
   * once if it already is, as `Future.add_done_callback` does for a done
   * future); the function it returns stops listening. Node's AbortController plus an 'abort' listener
   * per request were ≈8 % of a fresh pool child's CPU: the HTTP engine watches
   * every request's abort this way.
   */
  onAbort(listener: (reason: unknown) => void): () => void;
  /** Executor-wide task id. */
  readonly taskId: number;
  /**
   * Report progress (bytes received, and the body's size when its headers
   * declared it) to the coordinator; a no-op where nobody listens.
   */
  readonly progress: (bytes: number, total?: number) => void;
  /**
   * False when nobody listened for progress as the task was sent (no `on('bytes')`
   * listener): the task may skip its reports, which would only be dropped.
   */
  readonly progressWanted: boolean;
  /**
   * In a child process: streams `source` to the coordinator after the task's
   * reply, with backpressure (outgoing-streams.ts), and returns the token the
   * coordinator claims it by (`claimIncomingStream`). Absent where the task
   * runs in the caller's own process: the value is handed over as it is.
   */
  readonly exportStream?: (source: Readable, options?: ExportOptions) => string;
  /**
   * In a child process: the request body the coordinator offered under
   * `token` (an UploadRef's), pulled from the coordinator as it is read
   * (upload-streams.ts). Absent where the task runs in the caller's own process.
   */
  readonly openUpload?: (token: string) => Readable;
  /**
   * The executor's `maxBytesPerSecond`, as the body readers see it: absent
   * when the executor sets no limit.
   */
  readonly budget?: ByteBudget | undefined;
}

/**
 * Where body bytes are paid for once they arrived (a token bucket in the
 * coordinator, or a child's allowance granted by it). A reader that gets a
 * promise stops reading (pauses its stream) until it resolves, so a limited
 * download holds no more than one chunk beyond its share.
 */
export interface ByteBudget {
  /** Pays for `bytes` that arrived: undefined when reading may go on, else a promise that resolves once it may. */
  spend(bytes: number): Promise<void> | undefined;
}

const storage = new AsyncLocalStorage<TaskContext>();
const DIRECT = Symbol('requests-futures.taskWithContext');

type ContextualTask = ((...args: any[]) => unknown) & { readonly [DIRECT]?: (context: TaskContext, ...args: any[]) => unknown };

/** Makes `context` what `currentTask()` returns inside `fn` and everything it awaits. */
export function runInTaskContext<R>(context: TaskContext, fn: () => R): R {
  return storage.run(context, fn);
}

export function currentTask(): TaskContext | undefined {
  return storage.getStore();
}

/** What a task reports besides its abort; a task nobody listens to reports nowhere. */
export type TaskReporting = Pick<TaskContext, 'progress' | 'progressWanted' | 'budget'>;

const UNHEARD: TaskReporting = { progress: () => {}, progressWanted: false, budget: undefined };
const STOP_NOTHING = (): void => {};

/**
 * A task context whose abort is an AbortSignal's: the thread pool's tasks, and
 * work no executor runs. (A pool child's is entry.ts's ChildTask, whose signal
 * is made only when read.) A class rather than a literal, so its getter stays
 * on V8's fast path.
 */
export class SignalTaskContext implements TaskContext {
  readonly progress: TaskContext['progress'];
  readonly progressWanted: boolean;
  readonly budget: ByteBudget | undefined;

  constructor(
    readonly signal: AbortSignal,
    readonly taskId: number,
    reporting: TaskReporting = UNHEARD,
  ) {
    this.progress = reporting.progress;
    this.progressWanted = reporting.progressWanted;
    this.budget = reporting.budget;
  }

  get aborted(): boolean {
    return this.signal.aborted;
  }

  onAbort(listener: (reason: unknown) => void): () => void {
    const signal = this.signal;
    if (signal.aborted) {
      listener(signal.reason);
      return STOP_NOTHING;
    }
    const onAbort = (): void => listener(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
  }
}

/**
 * The context of work that no executor runs (a task called directly, outside
 * any task): nothing aborts it unless `signal` does, and nobody hears its progress.
 */
export function standaloneTaskContext(signal: AbortSignal = new AbortController().signal, taskId = 0): TaskContext {
  return new SignalTaskContext(signal, taskId);
}

/**
 * A task that takes its context as its first argument. Called by `callTask`, it
 * gets the running task's; called directly, `currentTask()`'s, else a standalone one.
 */
export function taskWithContext<A extends unknown[], R>(fn: (context: TaskContext, ...args: A) => R): (...args: A) => R {
  const task = (...args: A): R => fn(currentTask() ?? standaloneTaskContext(), ...args);
  Object.defineProperty(task, DIRECT, { value: fn });
  return task;
}

/** How executors run a task: `task(...args)` with `context` handed over or made current. */
export function callTask(context: TaskContext, task: (...args: any[]) => unknown, args: readonly unknown[]): unknown {
  const direct = (task as ContextualTask)[DIRECT];
  return direct !== undefined ? direct(context, ...args) : storage.run(context, () => task(...args));
}
