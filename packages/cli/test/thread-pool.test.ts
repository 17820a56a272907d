/**
 * The rf bin (bundle/rf.cjs) sizes libuv's thread pool before Node's ESM
 * loader starts it, and its pool children inherit the size. Seen from outside:
 * the threads of a running rf process, and a pool child's environment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startHoldServer, type HoldServer } from '@requests-futures/testing';
import threadPool from '../dist/thread-pool.cjs';
import { RF_INSTALLED_BIN } from './helpers.js';

const RF = RF_INSTALLED_BIN;
const onLinux = process.platform === 'linux' ? it : it.skip;

describe('threadPoolSizeFor', () => {
  it('leaves the main thread one core and gives the pool the rest, 1 to 4 threads', () => {
    expect([1, 2, 3, 4, 5, 8, 64].map((cores) => threadPool.threadPoolSizeFor(cores))).toEqual([1, 1, 2, 3, 4, 4, 4]);
  });
});

describe('claimThreadPool', () => {
  it('sets UV_THREADPOOL_SIZE when the user has not', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(threadPool.claimThreadPool(env, 2)).toBe('1');
    expect(env.UV_THREADPOOL_SIZE).toBe('1');
  });

  it.each([['8'], ['']])('keeps the user’s UV_THREADPOOL_SIZE=%j', (value) => {
    const env: NodeJS.ProcessEnv = { UV_THREADPOOL_SIZE: value };
    expect(threadPool.claimThreadPool(env, 2)).toBe(value);
    expect(env.UV_THREADPOOL_SIZE).toBe(value);
  });
});

describe('the rf bin', () => {
  let server: HoldServer;
  let work: string;

  beforeAll(async () => {
    server = await startHoldServer();
    work = await mkdtemp(path.join(tmpdir(), 'rf-thread-pool-'));
  });

  afterAll(async () => {
    await server.close();
    await rm(work, { recursive: true, force: true });
  });

  /** Starts `rf download` of one held URL, waits until its request arrives, runs `look`, then releases it and waits for rf to exit 0. */
  async function whileDownloading<T>(name: string, env: NodeJS.ProcessEnv, extra: string[], look: (rf: ChildProcess) => Promise<T>): Promise<T> {
    const list = path.join(work, `${name}.txt`);
    await writeFile(list, `${server.url}/${name}\t${name}.bin\n`);
    const rf = spawn(process.execPath, [RF, 'download', list, '-o', path.join(work, name), '-q', '--retries', '0', ...extra], { stdio: 'ignore', env });
    const exited = once(rf, 'exit');
    try {
      await server.arrived(`/${name}`);
      return await look(rf);
    } finally {
      server.release(`/${name}`);
      const [code] = await exited;
      expect(code).toBe(0);
    }
  }

  const threadCount = async (pid: number) => (await readdir(`/proc/${pid}/task`)).length;
  const withoutPoolSize = () => {
    const env = { ...process.env };
    delete env.UV_THREADPOOL_SIZE;
    return env;
  };

  onLinux('runs with the pool it chose: fewer threads than with libuv’s default where the machine is small', async () => {
    const chosen = await whileDownloading('chosen', withoutPoolSize(), [], (rf) => threadCount(rf.pid!));
    const libuvDefault = await whileDownloading('default', { ...withoutPoolSize(), UV_THREADPOOL_SIZE: '4' }, [], (rf) => threadCount(rf.pid!));
    // Everything else (V8's platform threads, the main thread) is the same in both runs.
    expect(libuvDefault - chosen).toBe(4 - threadPool.threadPoolSizeFor(availableParallelism()));
  });

  onLinux('passes the size to its pool children', async () => {
    const childEnvironment = await whileDownloading('children', withoutPoolSize(), ['--processes', '1'], async (rf) => {
      const children = await readFile(`/proc/${rf.pid}/task/${rf.pid}/children`, 'utf8');
      const [child] = children.trim().split(/\s+/);
      return (await readFile(`/proc/${child}/environ`, 'utf8')).split('\0');
    });
    expect(childEnvironment).toContain(`UV_THREADPOOL_SIZE=${threadPool.threadPoolSizeFor(availableParallelism())}`);
  });
});
