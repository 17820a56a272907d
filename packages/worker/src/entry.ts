/**
 * The child process's side of ProcessPoolExecutor. tinypool imports this module
 * when it starts the child (it finds no task handler here, and needs none:
 * run() is never called); from then on tasks arrive on our lane of the IPC
 * pipe (protocol.ts), not through tinypool. For each task: announce it, decode
 * it, import its function by reference, run it inside a task context whose
 * signal the coordinator can abort, and reply with an encoded envelope. Several
 * tasks run here at once (the pool's `concurrencyPerWorker`), so all state is
 * per task id.
 */
import { decode, loadedFnRef, loadFnRef } from '@requests-futures/serializer';
import type { Wire } from '@requests-futures/serializer';
import { readPositiveInteger } from './argv-flags.js';
import { ByteAllowance } from './byte-allowance.js';
import { listenForControl, sendToCoordinator } from './control-lane.js';
import { CoordinatorGoneError, watchCoordinator } from './coordinator-watch.js';
import { startHeartbeat } from './heartbeat.js';
import { streamToken } from './incoming-streams.js';
import { UploadStreams } from './upload-streams.js';
// Registers UploadRef before any task is decoded: it stands for a body the coordinator streams.
import './upload-ref.js';
import { Outbox } from './outbox.js';
import { OutgoingStreams, outboxSink } from './outgoing-streams.js';
import { BYTE_GRANT_FLAG, COORDINATOR_PID_FLAG, HEARTBEAT_FLAG, type ControlMessage, type TaskMessage, type TaskPayload, type TaskReply } from './protocol.js';
import { replyWithError, replyWithValue } from './reply.js';
import { Retirement, budgetFromArgv } from './retirement.js';
import { RunningTasks, TaskAbort } from './running-tasks.js';
import { loadTaskRunner, type ChildTaskContext } from './task-runner.js';

type TaskFunction = (...args: unknown[]) => unknown;

/** Loaded before `ready`: no task can arrive before the child knows how to run it. */
const callTask = await loadTaskRunner(process.argv);
const running = new RunningTasks<ChildTask>();
const retirement = new Retirement(budgetFromArgv(process.argv));
const outbox = new Outbox((events) => sendToCoordinator({ __rf: 'report', pid: process.pid, events }));
const outgoing = new OutgoingStreams(outboxSink(outbox));
/** Request bodies the coordinator streams to this child's tasks. */
const uploads = new UploadStreams(outbox, (message) => decodeReason(message.error) ?? new Error('The request body failed in the coordinator'));
/** Shared by every task of this child, when the executor limits body bytes per second. */
const grantBatchBytes = readPositiveInteger(process.argv, BYTE_GRANT_FLAG);
const allowance =
  grantBatchBytes === undefined
    ? undefined
    : new ByteAllowance(grantBatchBytes, {
        ask: (bytes) => outbox.push({ type: 'bytes-wanted', bytes }),
        giveBack: (bytes) => outbox.push({ type: 'bytes-returned', bytes }),
      });

/**
 * Once the coordinator is gone, how long aborted tasks get to unwind (a saveTo
 * closes its file and keeps a resumable part) before the child exits anyway.
 */
const ORPHAN_EXIT_MS = 1000;
let orphaned = false;

/**
 * Ctrl-C on a terminal reaches the whole foreground process group, this child
 * included. Node's default would end it at once, mid-write: a saveTo task
 * would lose the bytes in its write batch and leave its part claimed. The
 * interrupt is the coordinator's to act on (it aborts this child's tasks over
 * IPC, or lets them finish); a coordinator that dies of it is noticed by
 * watchCoordinator. SIGTERM stays the pool's way to end a child.
 */
process.on('SIGINT', () => {});

listenForControl(onControl);
watchCoordinator(onCoordinatorGone, readPositiveInteger(process.argv, COORDINATOR_PID_FLAG));
const heartbeatMs = readPositiveInteger(process.argv, HEARTBEAT_FLAG);
if (heartbeatMs !== undefined) {
  startHeartbeat(heartbeatMs, () => running.size > 0, () => sendToCoordinator({ __rf: 'alive', pid: process.pid }));
}
sendToCoordinator({ __rf: 'ready', pid: process.pid });

/** Nobody will hear this child's results: its tasks are aborted and it exits once they let go, or after ORPHAN_EXIT_MS. */
function onCoordinatorGone(why: string): void {
  orphaned = true;
  // tinypool piped this child's output into the coordinator's: a task that logs while it unwinds
  // would meet EPIPE, and an unheard stream error would kill the child before its files are closed.
  const ignore = (): void => {};
  process.stdout.on('error', ignore);
  process.stderr.on('error', ignore);
  running.abortAll(new CoordinatorGoneError(why));
  outgoing.cancelAll();
  if (running.size === 0) process.exit(0);
  // Bounds a task that ignores its signal; unref'd, since a child with nothing left running ends by itself.
  setTimeout(() => process.exit(0), ORPHAN_EXIT_MS).unref();
}

function onControl(message: ControlMessage): void {
  if (message.__rf === 'run') accept(message.tasks);
  else if (message.__rf === 'abort') running.abort(message.id, decodeReason(message.reason));
  else if (message.__rf === 'credit') outgoing.credit(message.stream, message.bytes);
  else if (message.__rf === 'cancel-stream') outgoing.cancel(message.stream);
  else if (message.__rf === 'grant') allowance?.granted(message.bytes);
  else if (message.__rf === 'upload' || message.__rf === 'upload-end' || message.__rf === 'upload-error') uploads.receive(message);
  else if (message.__rf === 'exit') {
    // The coordinator sends 'exit' only once every task this child started has replied;
    // bodies still streaming to it finish first.
    void outgoing.whenEmpty().then(() => {
      outbox.flush();
      process.exit(0);
    });
  }
}

/**
 * Registers a batch, tells the coordinator which tasks start (and which a
 * retiring child declines), and only then runs them: a child that dies after
 * this point has announced every task it may have started.
 */
function accept(tasks: readonly TaskMessage[]): void {
  const starting: Array<[TaskMessage, ChildTask]> = [];
  for (const task of tasks) {
    if (retirement.retiring) {
      outbox.push({ type: 'declined', id: task.id });
      continue;
    }
    let context: ChildTask;
    try {
      context = running.begin(task.id, new ChildTask(task));
    } catch (error) {
      // An id already running here is a coordinator bug: answer it rather than crash every other task.
      outbox.push({ type: 'reply', id: task.id, reply: replyWithError(error) });
      continue;
    }
    outbox.push({ type: 'started', id: task.id });
    const reason = retirement.noteStarted();
    if (reason !== undefined) outbox.push({ type: 'retiring', reason });
    starting.push([task, context]);
  }
  outbox.flush();
  for (const [task, context] of starting) void run(task, context);
}

async function run(task: TaskMessage, context: ChildTask): Promise<void> {
  let reply: TaskReply;
  const { streams } = context;
  try {
    reply = replyWithValue(await runDecoded(task, context));
  } catch (error) {
    reply = replyWithError(error);
  }
  running.end(task.id);
  uploads.taskEnded(task.id);
  if (orphaned || !reply.ok) {
    for (const id of streams) outgoing.cancel(id);
  }
  if (running.size === 0) allowance?.release();
  if (orphaned) {
    if (running.size === 0) process.exit(0);
    return;
  }
  if (reply.ok && streams.length > 0) {
    outbox.push({ type: 'reply', id: task.id, reply, streams });
    for (const id of streams) outgoing.start(id);
  } else {
    outbox.push({ type: 'reply', id: task.id, reply });
  }
  const reason = retirement.noteFinished();
  if (reason !== undefined) outbox.push({ type: 'retiring', reason });
}

/** The task's result, or a promise of it (run awaits either); a decode error throws here, inside run's try. */
function runDecoded(task: TaskMessage, context: ChildTask): unknown {
  const { fn, args } = decode<TaskPayload>(task.payload);
  // A function a task of this child imported already is called in this turn (serializer fn-ref.ts).
  const target = loadedFnRef<TaskFunction>(fn);
  if (target !== undefined) return callTask(context, target, args);
  return loadFnRef<TaskFunction>(fn).then((loaded) => callTask(context, loaded, args));
}

/**
 * A task's context in this child (task-runner.ts). A class rather than an
 * object literal: a literal with a getter and a symbol key is built on V8's
 * slow path, per task (≈ 1 % of a fresh child's main thread in perf). It is
 * the task's TaskAbort itself (running-tasks.ts), one object per task rather
 * than two: its signal is made when first read, while `aborted` and `onAbort`,
 * which the HTTP engine watches, do without it. Each function is made when
 * read: a plain GET never reports progress.
 */
class ChildTask extends TaskAbort implements ChildTaskContext {
  readonly budget = allowance;
  /** The streams the task exported (exportStream), sent or cancelled with its reply. */
  readonly streams: number[] = [];

  constructor(private readonly task: TaskMessage) {
    super();
  }

  get taskId(): number {
    return this.task.id;
  }

  get progressWanted(): boolean {
    return this.task.progress === true;
  }

  get progress(): ChildTaskContext['progress'] {
    const id = this.task.id;
    return (bytes, total) => outbox.push(total === undefined ? { type: 'progress', id, bytes } : { type: 'progress', id, bytes, total });
  }

  get exportStream(): ChildTaskContext['exportStream'] {
    const streams = this.streams;
    return (source, options) => {
      const id = outgoing.add(source, options);
      streams.push(id);
      return streamToken(process.pid, id);
    };
  }

  get openUpload(): ChildTaskContext['openUpload'] {
    const id = this.task.id;
    return (token) => uploads.open(token, id);
  }
}

function decodeReason(reason: Wire | undefined): unknown {
  if (reason === undefined) return undefined;
  try {
    return decode(reason);
  } catch {
    return undefined; // AbortController then uses its own AbortError.
  }
}
