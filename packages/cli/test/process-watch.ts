/** For tests that signal rf and its pool children and wait on their state, which sends no event. */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { statSync } from 'node:fs';
import { RF_BIN, type RfProcess } from './helpers.js';

/** The pids of `pid`'s children (pgrep -P); [] when it has none. */
export function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Polls `condition` until true or the deadline passes (for another process's state, which sends no event). */
export async function waitFor(condition: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A file's size, 0 while it does not exist. */
export function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** rf in a process group of its own, as a terminal's foreground job: a signal to the group reaches its pool children too. */
export function startRfGroup(args: string[]): RfProcess {
  const child = spawn(process.execPath, [RF_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, output: () => ({ stdout, stderr }), closed };
}
