import { describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { LoadStartError } from '../dist/bench/errors.js';
import { LatencyRecorder } from '../dist/bench/histogram.js';
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

  it('adds up the progress of the parties, one line per second once every party reported that second', async () => {
    const seen: Array<{ requests: number; lastSecond: number; errors: number; p99Ms: number; elapsedMs: number }> = [];
    let reported!: () => void;
    const twoSeconds = new Promise<void>((resolve) => (reported = resolve));
    const barrier = await StartBarrier.open(2, (progress) => {
      seen.push(progress);
      if (seen.length === 2) reported();
    });
    try {
      const parties = [waitForStartSignal(barrier.port), waitForStartSignal(barrier.port)];
      await barrier.allReady(10_000);
      barrier.release();
      const [a, b] = await Promise.all(parties);
      a!.report({ elapsedMs: 1000, requests: 10, lastSecond: 10, errors: 1, p99Ms: 2 });
      a!.report({ elapsedMs: 2000, requests: 30, lastSecond: 20, errors: 1, p99Ms: 3 });
      b!.report({ elapsedMs: 1001, requests: 5, lastSecond: 5, errors: 0, p99Ms: 7 });
      b!.report({ elapsedMs: 2001, requests: 15, lastSecond: 10, errors: 2, p99Ms: 1 });
      await twoSeconds;
      expect(seen).toEqual([
        { elapsedMs: 1001, requests: 15, lastSecond: 15, errors: 1, p99Ms: 7 },
        { elapsedMs: 2001, requests: 45, lastSecond: 30, errors: 3, p99Ms: 3 },
      ]);
      a!.leave();
      b!.leave();
    } finally {
      await barrier.close();
    }
  });

  it('with the parties\' histograms, the p99 of the second is that of all their answers, not the worst party\'s', async () => {
    // A: 1,000 answers of 1 ms; B: 10 of 50 ms. B's own p99 is 50 ms; over all 1,010 answers the p99 is 1 ms.
    const fast = new LatencyRecorder();
    for (let i = 0; i < 1_000; i++) fast.recordMs(1);
    const slow = new LatencyRecorder();
    for (let i = 0; i < 10; i++) slow.recordMs(50);
    const seen: number[] = [];
    let reported!: () => void;
    const oneSecond = new Promise<void>((resolve) => (reported = resolve));
    const barrier = await StartBarrier.open(2, (progress) => {
      seen.push(progress.p99Ms);
      reported();
    });
    try {
      const parties = [waitForStartSignal(barrier.port), waitForStartSignal(barrier.port)];
      await barrier.allReady(10_000);
      barrier.release();
      const [a, b] = await Promise.all(parties);
      a!.report({ elapsedMs: 1000, requests: 1000, lastSecond: 1000, errors: 0, p99Ms: 1 }, fast.encode());
      b!.report({ elapsedMs: 1000, requests: 10, lastSecond: 10, errors: 0, p99Ms: 50 }, slow.encode());
      await oneSecond;
      expect(seen).toEqual([1]);
      a!.leave();
      b!.leave();
    } finally {
      await barrier.close();
    }
  });
});
