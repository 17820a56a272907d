/** Process checks for tests that must prove no child outlives its pool. */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * True while `pid` runs. A zombie has ended (only its exit status is left for
 * its parent to collect), so it counts as gone: signal 0 alone would call it alive.
 */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the command name, which is in parentheses and may hold spaces.
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return false;
  }
}

/** Children not ended yet by the test that started them (see endsWithThisProcess). */
const unended = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of unended) child.kill('SIGKILL');
});

/**
 * SIGKILLs `child` when this test process exits, unless it ended before: a
 * test that fails before its own stop() must not leave a server or worker
 * behind (an rf worker outlived a failed run by 44 minutes, a redis-server a
 * CI run). Not an afterAll: that would run before the test file's own, which
 * stops its processes and checks how they exit.
 */
export function endsWithThisProcess(child: ChildProcess): void {
  unended.add(child);
  child.once('exit', () => unended.delete(child));
}
