/**
 * Ctrl-C on a terminal signals the whole foreground process group, the pool's
 * children included. A child leaves SIGINT to its coordinator (which may abort
 * its tasks, or let them finish): the task it runs goes on to its answer.
 * Node's default would end the child at once, the task failing with
 * BrokenProcessPool and a download losing its unwritten bytes.
 */
import { afterEach, expect, it } from '@jest/globals';
import { isAlive, task, testResources } from './process-pool-support.js';

const { executor, gateServer, cleanUp } = testResources();
afterEach(async () => {
  const pids = await cleanUp();
  expect(pids.filter(isAlive)).toEqual([]);
});

it('a pool child sent SIGINT runs its task to the end, and the next one', async () => {
  const pool = executor({ maxWorkers: 1 });
  const gate = await gateServer();
  const running = pool.submit<{ pid: number; text: string }>(task('fetchText'), `${gate.url}/held`);
  const [held] = await gate.arrivals(1);

  process.kill(held!.pid, 'SIGINT');
  // kill() makes the signal pending at once: the child meets it before it can read the answer.
  const after = pool.submit<number>(task('pid'));
  held!.release('answered');

  expect(await running.result()).toEqual({ pid: held!.pid, text: 'answered' });
  expect(await after.result()).toBe(held!.pid);
});
