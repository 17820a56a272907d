/**
 * A run killed with SIGKILL (without --resume) leaves the engine's temporary
 * files, `.NAME.<pid>-<12 hex>.part`, behind: nobody is left to remove them,
 * and a rerun writes new ones under other names. So the first time a run is
 * about to write into a directory it reads that directory once and removes the
 * temporaries whose writer is no longer alive. Once per directory: a directory
 * of 100,000 files costs one readdir, not one per file.
 *
 * A pid that is alive (another rf, this run's pool children) keeps its files;
 * a reused pid keeps them too, which errs on the side of not deleting.
 * Resumable `.NAME.part` files have no pid: they are kept for --resume.
 * Only directories whose real path is inside the output directory are read:
 * a subdirectory that is a symlink to elsewhere is left alone (and the engine
 * refuses to write through it).
 */
import { createHash } from 'node:crypto';
import { readdir, realpath, rm } from 'node:fs/promises';
import path from 'node:path';

const TEMPORARY = /^\..+\.(\d+)-[0-9a-f]{12}\.part$/;

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in an engine temporary's name, or null when `name` is not one. */
export function temporaryOwner(name: string): number | null {
  const match = TEMPORARY.exec(name);
  return match ? Number(match[1]) : null;
}

export class StaleTemporarySweeper {
  /** 48-bit hashes of the directories already swept (numbers, not strings: this grows with the run). */
  private readonly swept = new Set<number>();
  private realWithin: Promise<string> | undefined;

  /** @param within the output directory (it exists): nothing outside its real path is touched. */
  constructor(private readonly within: string) {}

  /** Sweeps `directory` unless this run already did; never throws: failures (no directory yet, no permission) are ignored. */
  async sweepOnce(directory: string): Promise<number> {
    const key = createHash('sha1').update(directory).digest().readUIntBE(0, 6);
    if (this.swept.has(key)) return 0;
    this.swept.add(key);
    let real: string;
    let names: string[];
    try {
      this.realWithin ??= realpath(this.within);
      const within = await this.realWithin;
      real = await realpath(directory);
      if (real !== within && !real.startsWith(within + path.sep)) return 0;
      names = await readdir(real);
    } catch {
      return 0; // No directory yet (nothing to sweep), or not readable.
    }
    const stale = names.filter((name) => {
      const owner = temporaryOwner(name);
      return owner !== null && owner !== process.pid && !processExists(owner);
    });
    await Promise.all(stale.map((name) => rm(path.join(real, name), { force: true }).catch(() => undefined)));
    return stale.length;
  }
}
