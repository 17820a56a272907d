/**
 * A run killed with SIGKILL leaves the engine's temporary files behind:
 * `.NAME.<pid>-<12 hex>.part` (without --resume) and, with --resume, the
 * part claim's transients `.NAME.part.lock.<pid>-<12 hex>[.stale]` (a kill
 * between writing one and linking or removing it). Nobody is left to remove
 * them, and a rerun writes new ones under other names. So the first time a run is
 * about to write into a directory it reads that directory once and removes the
 * temporaries whose writer is no longer alive. Once per directory: a directory
 * of 100,000 files costs one readdir, not one per file.
 *
 * A pid that is alive (another rf, this run's pool children) keeps its files;
 * a reused pid keeps them too, which errs on the side of not deleting (a
 * zombie is dead: core's isAlive reads /proc).
 * Resumable `.NAME.part` files, their record and their lock have no pid in
 * their name: they are kept for --resume (which takes over a dead owner's
 * lock, and removes a part whose file it finds complete).
 * Only directories whose real path is inside the output directory are read:
 * a subdirectory that is a symlink to elsewhere is left alone (and the engine
 * refuses to write through it).
 */
import { readdir, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import { isAlive, transientFileOwner } from '@requests-futures/core/engine-files';
import { hash53 } from '../util/hash53.js';
import { Hash53Set } from '../util/hash53-set.js';

export class StaleTemporarySweeper {
  /** 53-bit hashes of the directories already swept (numbers, not strings: this grows with the run). */
  private readonly swept = new Hash53Set();
  private realWithin: Promise<string> | undefined;
  /** The directory swept last: the files of one directory come in runs. */
  private lastDirectory: string | undefined;

  /** @param within the output directory (it exists): nothing outside its real path is touched. */
  constructor(private readonly within: string) {}

  /** Whether sweepOnce(directory) was called already: the caller need not await it (the last directory is checked first). */
  hasSwept(directory: string): boolean {
    return directory === this.lastDirectory || this.swept.has(hash53(directory));
  }

  /** Sweeps `directory` unless this run already did; never throws: failures (no directory yet, no permission) are ignored. */
  async sweepOnce(directory: string): Promise<number> {
    if (this.hasSwept(directory)) return 0;
    this.lastDirectory = directory;
    this.swept.add(hash53(directory));
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
    const owned = names.map((name) => [name, transientFileOwner(name)] as const).filter(([, owner]) => owner !== null && owner !== process.pid);
    const alive = await Promise.all(owned.map(([, owner]) => isAlive({ pid: owner! })));
    const stale = owned.filter((_, index) => !alive[index]).map(([name]) => name);
    await Promise.all(stale.map((name) => rm(path.join(real, name), { force: true }).catch(() => undefined)));
    return stale.length;
  }
}
