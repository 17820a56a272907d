/**
 * One writer per resumable part file. `.<name>.part.lock` names the owner
 * (pid, the process's start time from /proc/<pid>/stat so that a reused pid is
 * not mistaken for it, and a token of this claim). It is created complete and
 * exclusively: written to a unique temporary, then link()ed to its name,
 * which fails if any claim exists. A second writer fails with PartFileBusy
 * while the owner lives (another request of this very process included); a
 * claim whose owner is dead (a killed child, a coordinator killed with
 * SIGKILL) is taken over: moved aside atomically, checked to be the very claim
 * judged dead (else put back), removed, and claimed anew.
 */
import { randomBytes } from 'node:crypto';
import { link, open, rename, rm } from 'node:fs/promises';
import { claimAsidePath, claimTemporaryPath } from './engine-files.js';
import { PartFileBusy, type RequestInfo } from './errors.js';
import { CREATE_NEW, READ_NO_FOLLOW, openOwnFile } from './no-follow.js';
import { isAlive, processStartTime } from './process-liveness.js';

interface Owner {
  pid: number;
  /** /proc/<pid>/stat's starttime; undefined where there is no /proc. */
  start: string | undefined;
  token: string;
}

let ownStart: Promise<string | undefined> | undefined;

/** The lock file's text; null when it is not a plain file (a planted symlink); undefined when absent. */
async function readClaim(path: string): Promise<string | null | undefined> {
  try {
    const opened = await openOwnFile(path, READ_NO_FOLLOW, { anyLinkCount: true });
    if (opened === null) return null;
    try {
      return await opened.file.readFile('utf8');
    } finally {
      await opened.file.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseOwner(text: string | null): Owner | null {
  try {
    const parsed = JSON.parse(text ?? '') as Partial<Owner>;
    return typeof parsed.pid === 'number' && Number.isInteger(parsed.pid) && parsed.pid > 0 ? (parsed as Owner) : null;
  } catch {
    return null;
  }
}

/** Creates `path` holding `text`, complete, only if nothing has that name. */
async function createExclusively(path: string, text: string): Promise<boolean> {
  const temporary = claimTemporaryPath(path);
  const file = await open(temporary, CREATE_NEW, 0o644);
  try {
    await file.writeFile(text);
  } finally {
    await file.close();
  }
  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temporary, { force: true });
  }
}

const TAKEOVER_ATTEMPTS = 5;

export class PartClaim {
  readonly lockPath: string;
  private text: string | undefined;

  constructor(
    readonly partPath: string,
    private readonly request?: RequestInfo,
  ) {
    this.lockPath = `${partPath}.lock`;
  }

  get held(): boolean {
    return this.text !== undefined;
  }

  /** Claims the part file unless already held; PartFileBusy while a live owner holds it. ENOENT when its directory is missing. */
  async claim(): Promise<void> {
    if (this.held) return;
    ownStart ??= processStartTime(process.pid);
    const text = JSON.stringify({ pid: process.pid, start: await ownStart, token: randomBytes(8).toString('hex') } satisfies Owner);
    for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
      if (await createExclusively(this.lockPath, text)) {
        this.text = text;
        return;
      }
      const found = await readClaim(this.lockPath);
      if (found === undefined) continue; // Released meanwhile: try again.
      const owner = parseOwner(found);
      if (owner !== null && (await isAlive(owner))) throw this.busy(owner.pid);
      await this.removeDeadClaim(found);
    }
    throw this.busy(undefined);
  }

  /** Claims only when the part's directory exists already (none is created just for a lock). */
  async claimIfDirectoryExists(): Promise<void> {
    try {
      await this.claim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  /** Removes the lock file if it is still this claim's. */
  async release(): Promise<void> {
    if (this.text === undefined) return;
    const text = this.text;
    this.text = undefined;
    if ((await readClaim(this.lockPath).catch(() => undefined)) === text) await rm(this.lockPath, { force: true });
  }

  /** Moves the dead claim aside; if what moved is not what was judged dead (a fresh claim), puts it back: PartFileBusy. */
  private async removeDeadClaim(judged: string | null): Promise<void> {
    const aside = claimAsidePath(this.lockPath);
    try {
      await rename(this.lockPath, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const moved = await readClaim(aside);
    if (moved !== judged) {
      await link(aside, this.lockPath).catch(() => undefined);
      await rm(aside, { force: true });
      throw this.busy(parseOwner(moved ?? null)?.pid);
    }
    await rm(aside, { force: true });
  }

  private busy(pid: number | undefined): PartFileBusy {
    const who = pid === undefined ? 'another writer' : pid === process.pid ? `another request of this process (pid ${pid})` : `process ${pid}`;
    const about = this.request ? `: ${this.request.method} ${this.request.url}` : '';
    return new PartFileBusy(`${this.partPath} is being written by ${who} (claimed in ${this.lockPath})${about}`, this.request ? { request: this.request } : {});
  }
}
