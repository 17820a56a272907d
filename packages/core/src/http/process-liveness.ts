/**
 * Whether the process that left a file behind is still alive: a pid alone is
 * not enough (pids are reused, and a zombie is dead but still has one), so
 * where /proc exists the owner's start time is compared too.
 */
import { existsSync } from 'node:fs';
import { readFile, readlink } from 'node:fs/promises';

const HAS_PROC = existsSync('/proc/self/stat');

let ownDomain: Promise<string | undefined> | undefined;

/**
 * Where a pid names this very process: this boot of this machine and this pid
 * namespace (`<boot_id>/pid:[<inode>]`). A pid recorded in another domain (a
 * container, a pod sharing the volume, another machine over NFS) says nothing
 * about liveness here. Undefined where there is no /proc to tell.
 */
export function livenessDomain(): Promise<string | undefined> {
  ownDomain ??= (async () => {
    if (!HAS_PROC) return undefined;
    try {
      const [boot, namespace] = await Promise.all([readFile('/proc/sys/kernel/random/boot_id', 'utf8'), readlink('/proc/self/ns/pid')]);
      return `${boot.trim()}/${namespace}`;
    } catch {
      return undefined;
    }
  })();
  return ownDomain;
}

/** The start time (clock ticks after boot) of process `pid`, 'zombie' for a dead one not yet reaped, undefined if none. */
export async function processStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? 'zombie' : fields[19];
  } catch {
    return undefined;
  }
}

export async function isAlive(owner: { pid: number; start?: string | undefined }): Promise<boolean> {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: it exists, it is someone else's.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (!HAS_PROC) return true;
  const start = await processStartTime(owner.pid);
  if (start === undefined || start === 'zombie') return false;
  return owner.start === undefined || owner.start === start;
}
