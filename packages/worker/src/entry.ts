/**
 * The tinypool child-process entry (its default export is the task handler).
 * For each task: announce it, decode it, import its function by reference, run
 * it inside a task context whose signal the coordinator can abort, and reply
 * with an encoded envelope. Several tasks run here at once (the pool's
 * `concurrencyPerWorker`), so all state is per task id.
 */
import { decode, loadFnRef } from '@requests-futures/serializer';
import type { Wire } from '@requests-futures/serializer';
import { listenForControl, sendToCoordinator } from './control-lane.js';
import type { ControlMessage, TaskMessage, TaskPayload, TaskReply } from './protocol.js';
import { replyWithError, replyWithValue } from './reply.js';
import { Retirement, budgetFromArgv } from './retirement.js';
import { RunningTasks } from './running-tasks.js';
import { runInTaskContext } from './task-context.js';

const running = new RunningTasks();
const retirement = new Retirement(budgetFromArgv(process.argv));

listenForControl(onControl);

function onControl(message: ControlMessage): void {
  if (message.__rf === 'abort') running.abort(message.id, decodeReason(message.reason));
  // The coordinator sends 'exit' only once every task this child started has replied.
  else if (message.__rf === 'exit') process.exit(0);
}

function decodeReason(reason: Wire | undefined): unknown {
  if (reason === undefined) return undefined;
  try {
    return decode(reason);
  } catch {
    return undefined; // AbortController then uses its own AbortError.
  }
}

export default async function runTask(task: TaskMessage): Promise<TaskReply> {
  if (retirement.retiring) {
    // Never started, never answered: once the coordinator stops this child,
    // tinypool rejects the task and the coordinator sends it to another child.
    return new Promise<TaskReply>(() => {});
  }
  const signal = running.begin(task.id);
  sendToCoordinator({ __rf: 'started', id: task.id, pid: process.pid });
  announceRetirement(retirement.noteStarted());
  try {
    return replyWithValue(await runDecoded(task, signal));
  } catch (error) {
    return replyWithError(error);
  } finally {
    running.end(task.id);
    announceRetirement(retirement.noteFinished());
  }
}

async function runDecoded(task: TaskMessage, signal: AbortSignal): Promise<unknown> {
  const { fn, args } = decode<TaskPayload>(task.payload);
  const target: unknown = await loadFnRef(fn);
  if (typeof target !== 'function') {
    throw new TypeError(`Export "${fn.exportName}" of ${fn.moduleUrl} is not a function (got ${typeof target})`);
  }
  const progress = (bytes: number): void => sendToCoordinator({ __rf: 'progress', id: task.id, pid: process.pid, bytes });
  return runInTaskContext({ signal, taskId: task.id, progress }, () => target(...args));
}

function announceRetirement(reason: string | undefined): void {
  if (reason !== undefined) sendToCoordinator({ __rf: 'retiring', pid: process.pid, reason });
}
