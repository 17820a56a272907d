import { afterEach, describe, expect, it } from '@jest/globals';
import { BrokenProcessPool } from '../../dist/executors/index.js';
import { FnRef } from '@requests-futures/serializer';
import { isAlive, rejectionOf, task, testResources, TASKS_URL } from './process-pool-support.js';

const { executor, gateServer, cleanUp } = testResources();
afterEach(async () => {
  const pids = await cleanUp();
  // Whatever a test did to its children, none outlives its executor.
  expect(pids.filter(isAlive)).toEqual([]);
});

describe('ProcessPoolExecutor: a child that dies', () => {
  it('SIGKILL fails exactly the tasks that child was running; the others and later tasks succeed', async () => {
    const ex = executor({ maxWorkers: 2, concurrencyPerWorker: 3 });
    const gate = await gateServer();
    const futures = Array.from({ length: 6 }, (_, i) => ex.submit(task('fetchText'), `${gate.url}/kill-${i}`));
    const arrived = await gate.arrivals(6);
    const pids = [...new Set(arrived.map((r) => r.pid))];
    expect(pids).toHaveLength(2);
    const [victim, survivor] = pids as [number, number];
    const onVictim = arrived.filter((r) => r.pid === victim).map((r) => futures[Number(r.path.split('-')[1])]!);
    const onSurvivor = arrived.filter((r) => r.pid === survivor);
    expect(onVictim).toHaveLength(3);

    process.kill(victim, 'SIGKILL');
    for (const future of onVictim) {
      const error = (await rejectionOf(future)) as BrokenProcessPool;
      expect(error).toBeInstanceOf(BrokenProcessPool);
      expect(error.name).toBe('BrokenProcessPool');
      expect(error.message).toContain(`pid ${victim}`);
      expect(error.message).toContain('SIGKILL');
      expect(error.signal).toBe('SIGKILL');
      expect(error.pid).toBe(victim);
    }

    for (const request of onSurvivor) request.release('survived');
    for (const request of onSurvivor) {
      const future = futures[Number(request.path.split('-')[1])]!;
      expect(await future).toEqual({ pid: survivor, text: 'survived' });
    }

    // The pool replaced the child and stays usable.
    const later = await Promise.all(Array.from({ length: 6 }, () => ex.submit<number>(task('pidAfter'), 20)));
    expect(later).not.toContain(victim);
    expect(ex.stats().workers).toHaveLength(2);
    expect(ex.stats().workers).not.toContain(victim);
    expect(isAlive(victim)).toBe(false);
    expect(ex.stats()).toMatchObject({ failed: 3, running: 0 });
  });

  it.each([['no-codes'], ['bad-codes']])(
    'a task that forges a malformed report (%s) on the pool lane: its child is killed with a warning, the coordinator survives',
    async (shape) => {
      const ex = executor({ maxWorkers: 1 });
      const warned = new Promise<Error>((resolve) => process.once('warning', resolve));
      const error = (await rejectionOf(ex.submit(task('sendForgedReport'), shape))) as BrokenProcessPool;
      expect(error).toBeInstanceOf(BrokenProcessPool);
      expect(error.signal).toBe('SIGKILL');
      const warning = await warned;
      expect(warning.message).toContain(`pid ${error.pid}`);
      expect(warning.message).toMatch(/malformed report/);
      expect(await ex.submit(task('add'), 2, 3)).toBe(5);
    },
  );

  it('a task that calls process.exit(3) fails with BrokenProcessPool naming exit code 3', async () => {
    const ex = executor({ maxWorkers: 1 });
    const error = (await rejectionOf(ex.submit(task('exitProcess'), 3))) as BrokenProcessPool;
    expect(error).toBeInstanceOf(BrokenProcessPool);
    expect(error.message).toMatch(/exited with code 3/);
    expect(error.exitCode).toBe(3);
    expect(await ex.submit(task('add'), 1, 1)).toBe(2);
  });

  it('an idle child killed between tasks costs nothing: the next task runs on its replacement', async () => {
    const ex = executor({ maxWorkers: 1 });
    const first = await ex.submit<number>(task('pid'));
    process.kill(first, 'SIGKILL');
    // Sent before or after the pool noticed: never started in the dead child, so it is re-dispatched.
    const next = await ex.submit<number>(task('pid'));
    expect(next).not.toBe(first);
    expect(ex.stats().failed).toBe(0);
  });

  it('children that cannot even start fail the task with BrokenProcessPool instead of hanging', async () => {
    const ex = executor({ maxWorkers: 1, execArgv: ['--import', 'data:text/javascript,process.exit(7)'] });
    const error = (await rejectionOf(ex.submit(task('add'), 1, 2))) as BrokenProcessPool;
    expect(error).toBeInstanceOf(BrokenProcessPool);
    expect(error.message).toMatch(/died before it could start/);
    expect(error.message).toMatch(/exited with code 7/);
  });
});

describe('ProcessPoolExecutor: child budgets', () => {
  it('maxTasksPerChild: each child runs that many tasks, then a fresh one takes over', async () => {
    const ex = executor({ maxWorkers: 1, maxTasksPerChild: 2 });
    const pids: number[] = [];
    for (let i = 0; i < 5; i++) pids.push(await ex.submit<number>(task('pid')));
    expect(pids[0]).toBe(pids[1]);
    expect(pids[2]).toBe(pids[3]);
    expect(new Set(pids).size).toBe(3);
    expect(ex.stats().failed).toBe(0);
  });

  it('maxTasksPerChild with concurrent tasks: none is lost while children retire', async () => {
    const ex = executor({ maxWorkers: 1, concurrencyPerWorker: 4, maxTasksPerChild: 2 });
    const pids = await Promise.all(Array.from({ length: 8 }, () => ex.submit<number>(task('pidAfter'), 30)));
    const perChild = new Map<number, number>();
    for (const pid of pids) perChild.set(pid, (perChild.get(pid) ?? 0) + 1);
    expect(Math.max(...perChild.values())).toBeLessThanOrEqual(2);
    expect(perChild.size).toBeGreaterThanOrEqual(4);
    expect(ex.stats()).toMatchObject({ completed: 8, failed: 0 });
  });

  it('maxMemoryPerChildMb: a child over budget retires after its task', async () => {
    const ex = executor({ maxWorkers: 1, maxMemoryPerChildMb: 200 });
    const heavy = await ex.submit<number>(task('allocate'), 250);
    const next = await ex.submit<number>(task('pid'));
    expect(next).not.toBe(heavy);
    expect(await ex.submit<number>(task('pid'))).toBe(next);
  });

  it('idleTimeout: an idle pool lets its children go and starts fresh ones when needed', async () => {
    const ex = executor({ maxWorkers: 1, idleTimeout: 50 });
    const gate = await gateServer();
    // The task returns at once but leaves a request open: its connection closes when the child dies.
    const first = await ex.submit<number>(task('holdConnection'), `${gate.url}/lifeline`);
    const [lifeline] = await gate.arrivals(1);
    expect(lifeline!.pid).toBe(first);
    await lifeline!.abandoned;
    const second = await ex.submit<number>(task('pid'));
    expect(second).not.toBe(first);
    expect(ex.stats().workers).toEqual([second]);
  });
});

// A child keeps each task function it imported (serializer loadedFnRef) and calls it without an await of its own.
describe('ProcessPoolExecutor: task functions a child imported', () => {
  it('a missing export fails its own task, naming it, before and after the module is imported, and the child serves on', async () => {
    const ex = executor({ maxWorkers: 1, concurrencyPerWorker: 4 });
    const before = await rejectionOf(ex.submit(new FnRef(TASKS_URL, 'noSuchTask')));
    expect(String(before)).toMatch(/noSuchTask/);
    const first = await ex.submit<number>(task('pid'));
    const after = await rejectionOf(ex.submit(new FnRef(TASKS_URL, 'alsoMissing')));
    expect(String(after)).toMatch(/alsoMissing/);
    expect(await ex.submit<number>(task('pid'))).toBe(first);
    expect(await ex.submit(task('add'), 2, 3)).toBe(5);
  });

  it('an export that is not a function fails its task, naming what it is', async () => {
    const ex = executor({ maxWorkers: 1 });
    const error = await rejectionOf(ex.submit(new FnRef(TASKS_URL, 'TASKS_URL')));
    expect(String(error)).toMatch(/TASKS_URL/);
    expect(String(error)).toMatch(/string/);
  });

  it('a batch mixing functions, imported and not yet, gives each task its own result', async () => {
    const ex = executor({ maxWorkers: 1, concurrencyPerWorker: 8 });
    const results = await Promise.all([
      ex.submit(task('add'), 1, 2),
      ex.submit(task('abs'), -4),
      ex.submit(task('echo'), 'x'),
      ex.submit(task('add'), 3, 4),
      ex.submit(task('abs'), -9),
    ]);
    expect(results).toEqual([3, 4, 'x', 7, 9]);
  });
});
