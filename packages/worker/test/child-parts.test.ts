import { describe, expect, it } from '@jest/globals';
import { PicklingError, decode } from '@requests-futures/serializer';
import { MAX_MEMORY_FLAG, MAX_TASKS_FLAG, TASK_RUNNER_FLAG, isChildMessage, isControlMessage } from '../dist/protocol.js';
import { Outbox } from '../dist/outbox.js';
import type { ChildEvent } from '../dist/protocol.js';
import { replyWithError, replyWithValue } from '../dist/reply.js';
import { Retirement, budgetFromArgv } from '../dist/retirement.js';
import { RunningTasks, TaskAbort } from '../dist/running-tasks.js';
import { TaskRunnerError, loadTaskRunner } from '../dist/task-runner.js';

describe('protocol guards', () => {
  it('tell our control lane from tinypool messages and task messages', () => {
    expect(isChildMessage({ __rf: 'ready', pid: 2 })).toBe(true);
    expect(isChildMessage({ __rf: 'report', pid: 2, events: [{ type: 'started', id: 1 }] })).toBe(true);
    expect(isChildMessage({ __rf: 'alive', pid: 2 })).toBe(true);
    expect(isChildMessage({ __rf: 'abort', id: 1 })).toBe(false);
    expect(isChildMessage({ __tinypool_worker_message__: true, source: 'port' })).toBe(false);
    expect(isChildMessage('ready')).toBe(false);
    expect(isControlMessage({ __rf: 'run', tasks: [] })).toBe(true);
    expect(isControlMessage({ __rf: 'abort', id: 1 })).toBe(true);
    expect(isControlMessage({ __rf: 'exit' })).toBe(true);
    expect(isControlMessage({ __rf: 'report', pid: 1, events: [] })).toBe(false);
    expect(isControlMessage(null)).toBe(false);
  });
});

describe('replies', () => {
  it('encode a value, or refuse it with a PicklingError naming the path under "result"', () => {
    const ok = replyWithValue({ when: new Date(0), bytes: new Uint8Array([1, 2]) });
    expect(ok.ok).toBe(true);
    expect(decode(ok.ok ? ok.value : ok.error)).toEqual({ when: new Date(0), bytes: new Uint8Array([1, 2]) });

    const refused = replyWithValue({ cb: () => 1 });
    expect(refused.ok).toBe(false);
    const error = decode(refused.ok ? refused.value : refused.error);
    expect(error).toBeInstanceOf(PicklingError);
    expect((error as PicklingError).path).toBe('result.cb');
  });

  it('keep an error with a part that cannot travel as an error with its name and message', () => {
    const error = Object.assign(new RangeError('too far'), { retry: () => 0 });
    const reply = replyWithError(error);
    expect(reply.ok).toBe(false);
    const back = decode(reply.ok ? reply.value : reply.error) as Error;
    expect(back.name).toBe('RangeError');
    expect(back.message).toBe('too far');
  });
});

describe('Retirement', () => {
  it('reads its budget from the flags the coordinator passes', () => {
    expect(budgetFromArgv(['node', 'entry', `${MAX_TASKS_FLAG}=3`, `${MAX_MEMORY_FLAG}=64`])).toEqual({ maxTasks: 3, maxMemoryMb: 64 });
    expect(budgetFromArgv([])).toEqual({ maxTasks: undefined, maxMemoryMb: undefined });
    expect(() => budgetFromArgv([`${MAX_TASKS_FLAG}=0`])).toThrow(RangeError);
  });

  it('retires on the start of the last allowed task, once', () => {
    const retirement = new Retirement({ maxTasks: 2 });
    expect(retirement.noteStarted()).toBeUndefined();
    expect(retirement.retiring).toBe(false);
    expect(retirement.noteStarted()).toMatch(/ran 2 tasks/);
    expect(retirement.retiring).toBe(true);
    expect(retirement.noteStarted()).toBeUndefined();
  });

  it('retires after a task that left memory over budget', () => {
    let residentMb = 50;
    const retirement = new Retirement({ maxMemoryMb: 100 }, () => residentMb);
    expect(retirement.noteFinished()).toBeUndefined();
    residentMb = 150;
    expect(retirement.noteFinished()).toMatch(/150 MB exceeds maxMemoryPerChildMb 100/);
    expect(retirement.retiring).toBe(true);
  });
});

describe('RunningTasks', () => {
  it('aborts only the task named, with the reason given, and ignores finished ones', () => {
    const running = new RunningTasks();
    const first = running.begin(1, new TaskAbort());
    const second = running.begin(2, new TaskAbort());
    running.abort(1, 'stop');
    expect(first.aborted).toBe(true);
    expect(first.signal.reason).toBe('stop');
    expect(second.aborted).toBe(false);
    running.end(2);
    running.abort(2, 'late');
    expect(second.aborted).toBe(false);
    expect(() => running.begin(1, new TaskAbort())).toThrow(/already running/);
    expect(running.size).toBe(1);
  });
});

describe('Outbox', () => {
  it('sends everything pushed in one event-loop turn as one batch, in order', async () => {
    const sent: ChildEvent[][] = [];
    const outbox = new Outbox((events) => sent.push(events));
    outbox.push({ type: 'progress', id: 1, bytes: 10 });
    outbox.push({ type: 'reply', id: 1, reply: replyWithValue(1) });
    outbox.push({ type: 'retiring', reason: 'budget' });
    expect(sent).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent.map((batch) => batch.map((event) => event.type))).toEqual([['progress', 'reply', 'retiring']]);
  });

  it('flush() sends at once and cancels the pending turn; an empty outbox sends nothing', async () => {
    const sent: ChildEvent[][] = [];
    const outbox = new Outbox((events) => sent.push(events));
    outbox.flush();
    outbox.push({ type: 'started', id: 7 });
    outbox.flush();
    expect(sent).toEqual([[{ type: 'started', id: 7 }]]);
    expect(outbox.pending).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toHaveLength(1);
  });
});

describe('loadTaskRunner', () => {
  it('refuses a child started without a runner, or with a module that has no callTask, saying which', async () => {
    await expect(loadTaskRunner([])).rejects.toThrow(TaskRunnerError);
    await expect(loadTaskRunner([])).rejects.toThrow(/--rf-task-runner=<URL of the module exporting callTask>/);
    const noCallTask = new URL('../dist/argv-flags.js', import.meta.url).href;
    await expect(loadTaskRunner([`${TASK_RUNNER_FLAG}=${noCallTask}`])).rejects.toThrow(`${noCallTask} exports no callTask function`);
  });

  it('loads the callTask of the module the coordinator names', async () => {
    const runner = new URL('./fixtures/echo-runner.mjs', import.meta.url).href;
    const callTask = await loadTaskRunner(['--other=1', `${TASK_RUNNER_FLAG}=${runner}`]);
    const context = { signal: new AbortController().signal, aborted: false, onAbort: () => () => undefined, taskId: 3, progress: () => undefined, progressWanted: false, exportStream: () => '', openUpload: () => { throw new Error('no uploads here'); }, budget: undefined };
    expect(await callTask(context, (...args: unknown[]) => args, [5])).toEqual([3, 5]);
  });
});

describe('RunningTasks.abortAll', () => {
  it('aborts every running task with the reason, and none that already ended', () => {
    const running = new RunningTasks();
    const a = running.begin(1, new TaskAbort());
    const b = running.begin(2, new TaskAbort());
    const ended = running.begin(3, new TaskAbort());
    running.end(3);
    const reason = new Error('coordinator gone');
    running.abortAll(reason);
    expect([a.aborted, b.aborted, ended.aborted]).toEqual([true, true, false]);
    expect(a.signal.reason).toBe(reason);
  });
});
