/**
 * Real processes for the distributed tests: a throwaway redis-server (from
 * @requests-futures/testing) and `rf worker` processes started from the built
 * CLI, each stopped and proved gone by the test that started it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { endsWithThisProcess, isAlive } from '@requests-futures/testing';

export const RF = fileURLToPath(new URL('../../../cli/dist/rf.js', import.meta.url));
export const TASKS = new URL('../fixtures/tasks.mjs', import.meta.url);

export interface WorkerProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM (graceful) and wait for the exit; resolves to the exit code. */
  stop(): Promise<number | null>;
  kill(): Promise<void>;
}

/** Fast stall detection for tests: a lost job is noticed within about 2 s. */
export const FAST_STALLS = ['--lock-duration', '1', '--stalled-interval', '0.5'];

export async function startWorker(redisUrl: string, queue: string, name: string, extra: string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [RF, 'worker', '--redis', redisUrl, '--queue', queue, '--name', name, ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  endsWithThisProcess(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes('consuming queue')) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`rf worker exited before it was ready (code ${code}, signal ${signal}): ${stderr}`)));
  });
  await ready;
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
  return {
    name,
    pid: child.pid!,
    child,
    stderr: () => stderr,
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      if (isAlive(child.pid!)) throw new Error(`rf worker ${child.pid} outlived its exit`);
      return code;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
      if (isAlive(child.pid!)) throw new Error(`rf worker ${child.pid} survived SIGKILL`);
    },
  };
}

/** Polls `condition` until it holds or `ms` pass (for facts only another process can change). */
export async function until(condition: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
