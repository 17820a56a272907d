/**
 * A pool child whose preloads listen for IPC messages still starts: tinypool's
 * handshake once went to that listener instead of tinypool's, and the pool
 * waited for the child forever (@requests-futures/worker's handshake-guard.cts).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import type { ProcessPoolExecutor } from '../../dist/executors/index.js';
import { isAlive, task, testResources } from './process-pool-support.js';

const LISTENING_PRELOAD = fileURLToPath(new URL('../fixtures/listening-preload.cjs', import.meta.url));
/** Bounds a child that never starts: a TimeoutError names the failure, where a hang would only meet jest's timeout. */
const START_WITHIN_SECONDS = 20;

const { executor, cleanUp } = testResources();
afterEach(async () => {
  await cleanUp();
});

async function runsTasksAndEnds(pool: ProcessPoolExecutor): Promise<string[] | undefined> {
  expect(await pool.submit(task('add'), 2, 3).result(START_WITHIN_SECONDS)).toBe(5);
  const heard = await pool.submit<string[] | undefined>(task('preloadHeard')).result(START_WITHIN_SECONDS);
  const pids = pool.stats().workers;
  expect(pids.length).toBeGreaterThan(0);
  await pool.shutdown();
  expect(pids.filter(isAlive)).toEqual([]);
  return heard;
}

describe('ProcessPoolExecutor: children whose preloads listen for messages', () => {
  it('starts a child given a listening --require in execArgv', async () => {
    const heard = await runsTasksAndEnds(executor({ maxWorkers: 1, execArgv: ['--require', LISTENING_PRELOAD] }));
    // The preload heard the handshake before tinypool listened: the case that hung.
    expect(heard?.[0]).toBe('tinypool:pool');
  });

  it('starts children given a listening --require in NODE_OPTIONS, each of them', async () => {
    const pool = executor({ maxWorkers: 2, concurrencyPerWorker: 1, env: { NODE_OPTIONS: `--require ${LISTENING_PRELOAD}` } });
    // Two at once: the second spawns a second child, which must start too.
    const sums = await Promise.all([pool.submit(task('add'), 1, 1).result(START_WITHIN_SECONDS), pool.submit(task('add'), 2, 2).result(START_WITHIN_SECONDS)]);
    expect(sums).toEqual([2, 4]);
    expect(pool.stats().workers).toHaveLength(2);
    expect((await runsTasksAndEnds(pool))?.[0]).toBe('tinypool:pool');
  });

  it('keeps the guard out of the flags a task passes on to its own node children', async () => {
    const pool = executor({ maxWorkers: 1, execArgv: ['--no-warnings'] });
    const flags = await pool.submit<string[]>(task('childExecArgv')).result(START_WITHIN_SECONDS);
    expect(flags).toContain('--no-warnings');
    expect(flags.join(' ')).not.toMatch(/handshake-guard/);
    await pool.shutdown();
  });
});
