/**
 * Processes the part-claim tests point claims at: children killed and proven
 * gone after the file's tests, and pids of processes that have exited.
 */
import { afterAll, expect } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The children a test file starts; after its tests each is killed, and /proc must no longer have it. */
export function useKilledAfterAll(): ChildProcess[] {
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? new Promise((r) => child.once('exit', r)) : null)));
    for (const child of children) expect(existsSync(`/proc/${child.pid}`)).toBe(false);
  });
  return children;
}

/** The pid of a process that has exited (and been reaped): dead here, as a pid of another namespace usually is. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}
