/**
 * Process checks for tests that kill a coordinator for real: which children a
 * process has (read from /proc, not from the executor's own account), and a
 * bounded wait for a condition about other processes.
 */
import { readdirSync, readFileSync } from 'node:fs';
export { isAlive } from '@requests-futures/testing';

/** The pids whose parent is `pid` now (field 4 of /proc/PID/stat). */
export function childPidsOf(pid: number): number[] {
  const children: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // After the command name (in parentheses, may hold spaces): state, ppid, ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === pid) children.push(Number(name));
  }
  return children;
}

/**
 * Polls `condition` every 20 ms until it holds; returns the milliseconds that took.
 * @throws Error naming `what` when it does not hold within `ms`.
 */
export async function within(ms: number, what: string, condition: () => boolean): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (condition()) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** SIGKILLs whichever of `pids` still runs (test cleanup); a stopped process is killed too. */
export function killSurvivors(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
