import { describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { LoadStartError } from '../dist/bench/errors.js';
import { StartBarrier, waitForStartSignal } from '../dist/bench/start-barrier.js';

/** Whether a promise has settled by now (it is checked after the events that could settle it). */
function settledFlag(promise: Promise<unknown>): () => boolean {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return () => settled;
}

describe('the start line shared by load processes', () => {
  it('holds every party until release, then lets all of them go', async () => {
    const barrier = await StartBarrier.open(2);
    try {
      const first = waitForStartSignal(barrier.port);
      const second = waitForStartSignal(barrier.port);
      const firstStarted = settledFlag(first);
      const secondStarted = settledFlag(second);
      await barrier.allReady(10_000);
      // Both are connected and waiting; nothing but release() sends the signal.
      expect([firstStarted(), secondStarted()]).toEqual([false, false]);
      barrier.release();
      const runs = await Promise.all([first, second]);
      expect(runs.map((run) => run.stop.aborted)).toEqual([false, false]);
      for (const run of runs) run.leave();
    } finally {
      await barrier.close();
    }
  });

  it('tells the parties still waiting when the coordinator closes it without a start', async () => {
    const barrier = await StartBarrier.open(2);
    const waiting = waitForStartSignal(barrier.port);
    await expect(barrier.allReady(50)).rejects.toThrow(/only [01] of 2 load processes were ready after 50 ms/);
    await barrier.close();
    await expect(waiting).rejects.toBeInstanceOf(LoadStartError);
  });

  it('stops a running party when the coordinator closes the line, but not one that already left', async () => {
    const barrier = await StartBarrier.open(2);
    const running = waitForStartSignal(barrier.port);
    const finished = waitForStartSignal(barrier.port);
    await barrier.allReady(10_000);
    barrier.release();
    const [stillRunning, done] = await Promise.all([running, finished]);
    done.leave();
    const stopped = once(stillRunning.stop, 'abort');
    await barrier.close();
    await stopped;
    expect(stillRunning.stop.reason).toBeInstanceOf(LoadStartError);
    expect(done.stop.aborted).toBe(false);
  });

  it('fails with LoadStartError when nobody listens on the port', async () => {
    const barrier = await StartBarrier.open(1);
    const { port } = barrier;
    await barrier.close();
    await expect(waitForStartSignal(port)).rejects.toThrow(/cannot reach the coordinator's start line/);
  });
});
