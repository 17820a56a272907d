/** Process checks for tests that must prove no child outlives its pool. */
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
