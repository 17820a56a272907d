/**
 * A task's abort in a pool child (running-tasks.ts): its AbortSignal is made
 * only when read, yet says what AbortController's would have, whenever it is
 * read; the engine's listeners hear an abort once and can stop listening.
 */
import { describe, expect, it } from '@jest/globals';
import { RunningTasks, TaskAbort } from '../dist/running-tasks.js';

describe('TaskAbort', () => {
  it('is not aborted until aborted, and makes no AbortController until its signal is read', () => {
    const Real = globalThis.AbortController;
    let made = 0;
    globalThis.AbortController = class extends Real {
      constructor() {
        super();
        made += 1;
      }
    };
    try {
      const abort = new TaskAbort();
      const stop = abort.onAbort(() => undefined);
      stop();
      abort.onAbort(() => undefined);
      expect(abort.aborted).toBe(false);
      expect(made).toBe(0);
      expect(abort.signal.aborted).toBe(false);
      expect(made).toBe(1);
    } finally {
      globalThis.AbortController = Real;
    }
  });

  it('a signal read after the abort is aborted with its reason, and without one carries AbortController\'s AbortError', () => {
    const withReason = new TaskAbort();
    const reason = new Error('stop');
    withReason.abort(reason);
    expect(withReason.aborted).toBe(true);
    expect(withReason.signal.aborted).toBe(true);
    expect(withReason.signal.reason).toBe(reason);

    const without = new TaskAbort();
    without.abort(undefined);
    const expected = new AbortController();
    expected.abort();
    expect(without.signal.reason).toBeInstanceOf(DOMException);
    expect((without.signal.reason as DOMException).name).toBe((expected.signal.reason as DOMException).name);
  });

  it('a signal read before the abort fires its own listeners, then the engine\'s with the reason, each once', () => {
    const abort = new TaskAbort();
    const heard: unknown[] = [];
    abort.signal.addEventListener('abort', () => heard.push('signal'));
    abort.onAbort((reason) => heard.push(['engine', reason]));
    abort.abort('first');
    abort.abort('second');
    expect(heard).toEqual(['signal', ['engine', 'first']]);
    expect(abort.signal.reason).toBe('first');
  });

  it('a listener that stopped listening hears nothing; stopping twice is harmless', () => {
    const abort = new TaskAbort();
    const heard: string[] = [];
    const stopA = abort.onAbort(() => heard.push('a'));
    abort.onAbort(() => heard.push('b'));
    stopA();
    stopA();
    abort.abort(new Error('x'));
    expect(heard).toEqual(['b']);
  });

  it('onAbort once aborted calls the listener at once, and only then', () => {
    const abort = new TaskAbort();
    abort.abort('gone');
    let heard = 0;
    const stop = abort.onAbort((reason) => {
      expect(reason).toBe('gone');
      heard += 1;
    });
    expect(heard).toBe(1);
    stop();
    abort.abort('again');
    expect(heard).toBe(1);
  });
});

describe('RunningTasks', () => {
  it('aborts a running task by id, ignores an unknown one, refuses an id twice, and abortAll reaches each', () => {
    const running = new RunningTasks();
    const one = running.begin(1, new TaskAbort());
    const two = running.begin(2, new TaskAbort());
    expect(() => running.begin(1, new TaskAbort())).toThrow(/already running/);
    running.abort(3, 'nobody');
    running.abort(1, 'one');
    expect(one.signal.reason).toBe('one');
    expect(two.aborted).toBe(false);
    running.end(1);
    expect(running.size).toBe(1);
    running.abortAll('all');
    expect(two.signal.reason).toBe('all');
  });
});
