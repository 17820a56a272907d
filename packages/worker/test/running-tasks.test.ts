/**
 * A task's abort in a pool child (running-tasks.ts): its AbortSignal is made
 * only when read, yet says what AbortController's would have, whenever it is
 * read; the engine's listeners hear an abort once and can stop listening.
 */
import { describe, expect, it } from '@jest/globals';
import { RunningTasks, TaskAbort } from '../dist/running-tasks.js';

describe('TaskAbort', () => {
  it('is not aborted, and has no reason, until aborted', () => {
    const abort = new TaskAbort();
    expect(abort.aborted).toBe(false);
    expect(abort.reason).toBeUndefined();
    expect(abort.signal.aborted).toBe(false);
  });

  it('a signal read after the abort is aborted with its reason, and without one carries AbortController\'s AbortError', () => {
    const withReason = new TaskAbort();
    const reason = new Error('stop');
    withReason.abort(reason);
    expect(withReason.aborted).toBe(true);
    expect(withReason.signal.aborted).toBe(true);
    expect(withReason.signal.reason).toBe(reason);
    expect(withReason.reason).toBe(reason);

    const without = new TaskAbort();
    without.abort(undefined);
    const expected = new AbortController();
    expected.abort();
    expect(without.reason).toBeInstanceOf(DOMException);
    expect((without.reason as DOMException).name).toBe((expected.signal.reason as DOMException).name);
  });

  it('a signal read before the abort fires its own listeners, then the engine\'s, each once', () => {
    const abort = new TaskAbort();
    const heard: string[] = [];
    abort.signal.addEventListener('abort', () => heard.push('signal'));
    abort.listen(() => heard.push('engine'));
    abort.abort('first');
    abort.abort('second');
    expect(heard).toEqual(['signal', 'engine']);
    expect(abort.signal.reason).toBe('first');
  });

  it('a listener that stopped listening hears nothing; stopping twice is harmless', () => {
    const abort = new TaskAbort();
    const heard: string[] = [];
    const stopA = abort.listen(() => heard.push('a'));
    abort.listen(() => heard.push('b'));
    stopA();
    stopA();
    abort.abort(new Error('x'));
    expect(heard).toEqual(['b']);
  });
});

describe('RunningTasks', () => {
  it('aborts a running task by id, ignores an unknown one, refuses an id twice, and abortAll reaches each', () => {
    const running = new RunningTasks();
    const one = running.begin(1);
    const two = running.begin(2);
    expect(() => running.begin(1)).toThrow(/already running/);
    running.abort(3, 'nobody');
    running.abort(1, 'one');
    expect(one.signal.reason).toBe('one');
    expect(two.aborted).toBe(false);
    running.end(1);
    expect(running.size).toBe(1);
    running.abortAll('all');
    expect(two.reason).toBe('all');
  });
});
