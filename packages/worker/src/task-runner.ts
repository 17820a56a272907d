/**
 * How this child runs a task in its context. The task context belongs to
 * @requests-futures/core (both executors and the HTTP engine own it), which
 * this package cannot import: core imports worker. The coordinator names the
 * module on the command line instead, and the child imports it by URL, as it
 * imports tasks, so that the child holds the very store its tasks read.
 */
import type { Readable } from 'node:stream';
import type { ExportOptions } from './outgoing-streams.js';
import { TASK_RUNNER_FLAG } from './protocol.js';

/** What the child knows of a task's context: the fields it fills in (core's TaskContext). */
export interface ChildTaskContext {
  readonly signal: AbortSignal;
  /** The task's abort without its signal (running-tasks.ts TaskAbort), as the HTTP engine watches it. */
  readonly aborted: boolean;
  onAbort(listener: (reason: unknown) => void): () => void;
  readonly taskId: number;
  readonly progress: (bytes: number, total?: number) => void;
  readonly progressWanted: boolean;
  readonly exportStream: (source: Readable, options?: ExportOptions) => string;
  /** A request body the coordinator streams (an UploadRef's token), opened when the request is sent. */
  readonly openUpload: (token: string) => Readable;
  readonly budget: { spend(bytes: number): Promise<void> | undefined } | undefined;
}

export type CallTask = (context: ChildTaskContext, task: (...args: unknown[]) => unknown, args: readonly unknown[]) => unknown;

/** A child started without the flag, or with a module that has no callTask, cannot run anything: it says which. */
export class TaskRunnerError extends Error {
  override name = 'TaskRunnerError';
}

/** @throws TaskRunnerError when argv names no runner, or one without a callTask function. */
export async function loadTaskRunner(argv: readonly string[]): Promise<CallTask> {
  const prefix = `${TASK_RUNNER_FLAG}=`;
  const url = argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
  if (url === undefined || url === '') {
    throw new TaskRunnerError(`A pool child needs ${TASK_RUNNER_FLAG}=<URL of the module exporting callTask> (ProcessPoolExecutor passes it)`);
  }
  const module = (await import(url)) as { callTask?: unknown };
  if (typeof module.callTask !== 'function') throw new TaskRunnerError(`${TASK_RUNNER_FLAG}: ${url} exports no callTask function`);
  return module.callTask as CallTask;
}
