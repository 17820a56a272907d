/**
 * terminateWorkers() / killWorkers() (Python 3.14's terminate_workers() /
 * kill_workers()): every child is stopped now, the tasks they held fail with
 * BrokenProcessPool and are never re-run, queued ones are cancelled, and the
 * promise resolves once no child is left.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { BrokenProcessPool, ExecutorShutdownError } from '../../dist/executors/index.js';
import { CancelledError } from '../../dist/index.js';
import { isAlive, rejectionOf, task, testResources } from './process-pool-support.js';

const { executor, gateServer, cleanUp } = testResources();
const stopped: number[] = [];
afterEach(async () => {
  for (const pid of stopped.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  const pids = await cleanUp();
  expect(pids.filter(isAlive)).toEqual([]);
});

describe.each([
  ['killWorkers', 'SIGKILL'],
  ['terminateWorkers', 'SIGTERM'],
] as const)('ProcessPoolExecutor.%s()', (method, signal) => {
  it(`stops every child with ${signal}: held tasks fail with BrokenProcessPool, queued ones are cancelled, no child is left`, async () => {
    const ex = executor({ maxWorkers: 2, concurrencyPerWorker: 2 });
    const gate = await gateServer();
    const futures = Array.from({ length: 6 }, (_, i) => ex.submit(task('fetchText'), `${gate.url}/held-${i}`));
    await gate.arrivals(4);
    const children = ex.stats().workers;
    expect(children).toHaveLength(2);

    await ex[method]();
    expect(children.filter(isAlive)).toEqual([]);
    expect(ex.stats().workers).toEqual([]);
    for (const future of futures.slice(0, 4)) {
      const error = (await rejectionOf(future)) as BrokenProcessPool;
      expect(error).toBeInstanceOf(BrokenProcessPool);
      expect(error.message).toContain(`stopped by ${method}()`);
      expect(error.signal).toBe(signal);
    }
    for (const future of futures.slice(4)) expect(await rejectionOf(future)).toBeInstanceOf(CancelledError);
    // Nothing was re-run elsewhere, and the executor is shut down.
    expect(gate.held).toHaveLength(4);
    expect(() => ex.submit(task('add'), 1, 2)).toThrow(ExecutorShutdownError);
  });
});

describe('ProcessPoolExecutor.terminateWorkers()', () => {
  it('also ends a SIGSTOPped child (SIGKILL a second after the SIGTERM it cannot handle)', async () => {
    const ex = executor({ maxWorkers: 1, heartbeatTimeout: Infinity });
    const gate = await gateServer();
    const future = ex.submit(task('fetchText'), `${gate.url}/stopped`);
    const [request] = await gate.arrivals(1);
    process.kill(request!.pid, 'SIGSTOP');
    stopped.push(request!.pid);
    await ex.terminateWorkers();
    expect(isAlive(request!.pid)).toBe(false);
    expect(((await rejectionOf(future)) as BrokenProcessPool).signal).toBe('SIGKILL');
  });
});
