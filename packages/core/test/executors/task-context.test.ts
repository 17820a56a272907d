/** The task context, as both executors and the HTTP engine use it (core/src/task-context.ts). */
import { describe, expect, it } from '@jest/globals';
import { callTask, currentTask, runInTaskContext, standaloneTaskContext, taskWithContext, type TaskContext } from '../../dist/task-context.js';

describe('task context', () => {
  const context = (taskId: number) => standaloneTaskContext(new AbortController().signal, taskId);

  it('callTask hands a taskWithContext task its context as an argument, outside AsyncLocalStorage', async () => {
    const marked = taskWithContext((given: TaskContext, x: number) => ({ id: given.taskId, x, current: currentTask()?.taskId }));
    expect(await callTask(context(7), marked, [3])).toEqual({ id: 7, x: 3, current: undefined });
    // Called directly, it gets whatever task is current.
    expect(runInTaskContext(context(8), () => marked(4))).toEqual({ id: 8, x: 4, current: 8 });
    // Outside any task, a standalone context: never aborted, nobody hears its progress.
    expect(marked(5)).toEqual({ id: 0, x: 5, current: undefined });
  });

  it('callTask runs any other task with the context current, across awaits', async () => {
    const plain = async (x: number) => {
      await new Promise((resolve) => setImmediate(resolve));
      return { id: currentTask()?.taskId, x };
    };
    expect(await callTask(context(9), plain, [1])).toEqual({ id: 9, x: 1 });
    expect(currentTask()).toBeUndefined();
  });
});

describe('standaloneTaskContext', () => {
  it('carries the signal it is given, else one that never aborts, and drops progress', () => {
    const controller = new AbortController();
    const given = standaloneTaskContext(controller.signal, 12);
    expect([given.signal, given.taskId, given.progressWanted]).toEqual([controller.signal, 12, false]);
    expect(given.progress(10, 20)).toBeUndefined();
    expect(standaloneTaskContext().signal.aborted).toBe(false);
  });
});

describe('a task context over an AbortSignal (the thread pool\'s, a standalone one)', () => {
  it('aborted follows the signal, and onAbort calls each listener once, unless it stopped listening', () => {
    const controller = new AbortController();
    const context = standaloneTaskContext(controller.signal, 1);
    const heard: unknown[] = [];
    context.onAbort((reason) => heard.push((reason as Error).message));
    const stopB = context.onAbort(() => heard.push('b'));
    stopB();
    expect(context.aborted).toBe(false);
    controller.abort(new Error('stop'));
    controller.abort(new Error('again'));
    expect(context.aborted).toBe(true);
    expect(heard).toEqual(['stop']);
    expect((context.signal.reason as Error).message).toBe('stop');
  });

  it('onAbort on a task already aborted calls the listener at once, as add_done_callback does for a done future', () => {
    const controller = new AbortController();
    controller.abort('gone');
    const context = standaloneTaskContext(controller.signal, 2);
    let heard = 0;
    const stop = context.onAbort((reason) => {
      expect(reason).toBe('gone');
      heard += 1;
    });
    expect(heard).toBe(1);
    stop();
    expect(heard).toBe(1);
  });
});
