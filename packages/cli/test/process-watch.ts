/** For tests that signal rf and its pool children and wait on their state, which sends no event. */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';

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
