/**
 * One writer per resumable part file. `.<name>.part.lock` names the owner
 * (pid, the process's start time from /proc/<pid>/stat so that a reused pid is
 * not mistaken for it, a token of this claim, and the domain where that pid
 * means something: this boot and pid namespace). It is created complete and
 * exclusively: written to a unique temporary, then link()ed to its name,
 * which fails if any claim exists. A second writer fails with PartFileBusy
 * while the owner lives (another request of this very process included); a
 * claim whose owner is dead (a killed child, a coordinator killed with
 * SIGKILL) is taken over: moved aside atomically, checked to be the very claim
 * judged dead (else put back), removed, and claimed anew.
 *
 * An owner in another domain (another container sharing the volume, another
 * machine) cannot be judged by its pid: its claim lives while it is renewed
 * (claim-renewal.ts). A writer frozen past the stale limit can so lose its
 * claim while it writes: it checks that the claim is still its own before it
 * puts the file in place (confirmHeld).
 */
import { randomBytes } from 'node:crypto';
import { link, lstat, open, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { PART_CLAIM_STALE_MS, startRenewing, stopRenewing } from './claim-renewal.js';
import { claimAsidePath, claimTemporaryPath } from './engine-files.js';
import { PartFileBusy, type RequestInfo } from './errors.js';
import { CREATE_NEW, READ_NO_FOLLOW, openOwnFile } from './no-follow.js';
import { isAlive, livenessDomain, processStartTime } from './process-liveness.js';

interface Owner {
  pid: number;
  /** /proc/<pid>/stat's starttime; undefined where there is no /proc. */
  start: string | undefined;
  token: string;
  /** livenessDomain() of the owner; undefined where it had no /proc (or wrote the claim before domains were recorded). */
  domain?: string | undefined;
  host?: string;
}

/** How a found claim was judged: its owner is dead, alive here, or alive elsewhere as far as its renewal tells. */
type Verdict = { alive: false } | { alive: true; renewedMsAgo?: number };

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
  /** This process's livenessDomain(), known once claim() ran. */
  private domain: string | undefined;

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
    this.domain = await livenessDomain();
    const owner: Owner = { pid: process.pid, start: await ownStart, token: randomBytes(8).toString('hex'), domain: this.domain, host: hostname() };
    const text = JSON.stringify(owner);
    for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
      if (await createExclusively(this.lockPath, text)) {
        this.text = text;
        startRenewing(this.lockPath);
        return;
      }
      const found = await readClaim(this.lockPath);
      if (found === undefined) continue; // Released meanwhile: try again.
      const owner = parseOwner(found);
      if (owner !== null) {
        const verdict = await judge(owner, this.lockPath, this.domain);
        if (verdict.alive) throw this.busy(owner, verdict.renewedMsAgo);
      }
      await this.removeDeadClaim(found, owner);
    }
    throw this.busy(undefined);
  }

  /** Throws PartFileBusy unless the lock file is still this claim (another writer took it over while this one was frozen). */
  async confirmHeld(): Promise<void> {
    if (this.text === undefined) return;
    const found = await readClaim(this.lockPath).catch(() => undefined);
    if (found === this.text) return;
    this.text = undefined;
    stopRenewing(this.lockPath);
    const taker = parseOwner(found ?? null);
    const about = this.request ? `: ${this.request.method} ${this.request.url}` : '';
    throw new PartFileBusy(
      `${this.partPath} was taken over by ${taker ? describeOwner(taker, this.domain) : 'another writer'} while this writer wrote it (its claim in ${this.lockPath} had gone stale): not put in place${about}`,
      this.request ? { request: this.request } : {},
    );
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
    stopRenewing(this.lockPath);
    if ((await readClaim(this.lockPath).catch(() => undefined)) === text) await rm(this.lockPath, { force: true });
  }

  /** Moves the dead claim aside; if what moved is not what was judged dead (a fresh claim, or one renewed since), puts it back: PartFileBusy. */
  private async removeDeadClaim(judged: string | null, owner: Owner | null): Promise<void> {
    const aside = claimAsidePath(this.lockPath);
    try {
      await rename(this.lockPath, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const moved = await readClaim(aside);
    const renewedSince = moved === judged && owner !== null && (await judge(owner, aside, this.domain)).alive;
    if (moved !== judged || renewedSince) {
      await link(aside, this.lockPath).catch(() => undefined);
      await rm(aside, { force: true });
      throw this.busy(parseOwner(moved ?? null) ?? undefined);
    }
    await rm(aside, { force: true });
  }

  private busy(owner: Owner | undefined, renewedMsAgo?: number): PartFileBusy {
    const who = owner === undefined ? 'another writer' : owner.pid === process.pid && (owner.domain === undefined || owner.domain === this.domain) ? `another request of this process (pid ${owner.pid})` : describeOwner(owner, this.domain);
    const renewal = renewedMsAgo === undefined ? '' : ` (its claim was renewed ${Math.round(renewedMsAgo / 1000)} s ago; one not renewed for ${PART_CLAIM_STALE_MS / 1000} s is taken over)`;
    const about = this.request ? `: ${this.request.method} ${this.request.url}` : '';
    return new PartFileBusy(`${this.partPath} is being written by ${who}${renewal} (claimed in ${this.lockPath})${about}`, this.request ? { request: this.request } : {});
  }
}

/** A claim of `ownDomain` (or of an owner that recorded none) lives while its pid does; another domain's while it is renewed. */
async function judge(owner: Owner, lockPath: string, ownDomain: string | undefined): Promise<Verdict> {
  if (owner.domain === undefined || owner.domain === ownDomain) return { alive: await isAlive(owner) };
  const renewed = await lstat(lockPath).then((stat) => stat.mtimeMs, () => undefined);
  if (renewed === undefined) return { alive: false };
  // A renewal stamped ahead of this clock (skew between machines) counts as just now.
  const renewedMsAgo = Math.max(0, Date.now() - renewed);
  return renewedMsAgo < PART_CLAIM_STALE_MS ? { alive: true, renewedMsAgo } : { alive: false };
}

/** `ownDomain`: this process's livenessDomain(), against which the owner's is told apart. */
function describeOwner(owner: Owner, ownDomain: string | undefined): string {
  if (owner.domain === undefined || owner.domain === ownDomain) return `process ${owner.pid}`;
  return `process ${owner.pid}${owner.host ? ` on ${owner.host}` : ''}, in another pid namespace or on another machine`;
}
