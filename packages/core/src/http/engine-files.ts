/**
 * The hidden files the engine keeps beside a saveTo target T, in one place,
 * so that a tool choosing names (rf download's path allocator) or sweeping
 * leftovers (its sweep of dead runs' temporaries) agrees with the engine:
 *
 *   .T.<pid>-<12 hex>.part                    a non-resumable download in progress (save-to.ts)
 *   .T.part, .T.part.json                     a resumable part and its record (partial-download.ts)
 *   .T.part.lock, .T.part.lock.<pid>-<12 hex>[.stale]
 *                                             the part's claim and its transients (part-claim.ts)
 *
 * Published as `@requests-futures/core/engine-files`, beside the package root
 * (which stays the requests-futures API).
 */
import { randomFillSync } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export { isAlive } from './process-liveness.js';

const ENGINE_FILE_NAME = /^\..+\.part(?:\.json|\.lock(?:\.\d+-[0-9a-f]{12}(?:\.stale)?)?)?$/i;
const TEMPORARY_FILE_NAME = /^\..+\.(\d+)-[0-9a-f]{12}\.part$/;
/** A claim's transients: written before the link() to the lock, or moved aside before a dead owner's claim is removed. */
const CLAIM_TRANSIENT_NAME = /^\..+\.part\.lock\.(\d+)-[0-9a-f]{12}(?:\.stale)?$/;

/**
 * The most the engine adds to a target's name (bytes): `.` + name +
 * `.part.lock.<pid>-<12 hex>.stale`, with a pid of up to 7 digits (Linux's
 * pid_max is at most 4194304).
 */
export const ENGINE_NAME_OVERHEAD_BYTES = 1 + '.part.lock.'.length + 7 + 1 + 12 + '.stale'.length;

/** Whether a directory entry has the shape of one of the engine's hidden files (for any target). */
export function isEngineFileName(name: string): boolean {
  return ENGINE_FILE_NAME.test(name);
}

/** The writer's pid in a non-resumable temporary's name, or null when `name` is not one. */
export function temporaryFileOwner(name: string): number | null {
  const match = TEMPORARY_FILE_NAME.exec(name);
  return match ? Number(match[1]) : null;
}

/**
 * The writer's pid in any engine file that lives only while its writer runs
 * (a non-resumable temporary, a claim's transient or aside); null for the
 * others (a part, its record and its lock outlive their writer on purpose,
 * for --resume) and for names that are not the engine's. A process killed
 * between making such a file and removing it leaves it to whoever sweeps.
 */
export function transientFileOwner(name: string): number | null {
  const match = TEMPORARY_FILE_NAME.exec(name) ?? CLAIM_TRANSIENT_NAME.exec(name);
  return match ? Number(match[1]) : null;
}

/**
 * The temporary file of a non-resumable save: `.<name>.<pid>-<random>.part`.
 * The writer's pid is in the name because a child process killed mid-download
 * cannot clean up after itself: the coordinator, told which child died, removes
 * that child's leftovers (see session/orphaned-parts.ts).
 */
export function temporaryPathFor(target: string, pid = process.pid): string {
  return join(dirname(target), `.${basename(target)}.${pid}-${randomHex12()}.part`);
}

/** Whether `name` (a directory entry beside `target`) is a temporary file that process `pid` made for it. */
export function isTemporaryFileOf(target: string, pid: number, name: string): boolean {
  const prefix = `.${basename(target)}.${pid}-`;
  return name.startsWith(prefix) && /^[0-9a-f]{12}\.part$/.test(name.slice(prefix.length));
}

/** A claim is written here first, then link()ed to `lockPath` (part-claim.ts). */
export function claimTemporaryPath(lockPath: string): string {
  return `${lockPath}.${writerTag()}`;
}

/** A dead owner's claim is moved here before it is checked and removed (part-claim.ts). */
export function claimAsidePath(lockPath: string): string {
  return `${lockPath}.${writerTag()}.stale`;
}

/** This process's pid and 12 random hex digits: unique among the writers of one directory. */
function writerTag(): string {
  return `${process.pid}-${randomHex12()}`;
}

/**
 * Random bytes drawn from a pool filled 4 KiB at a time: one randomFillSync
 * per name cost ~1.5% of rf download's main thread on 5,000 small files.
 * Each name still gets 6 bytes no other name of this process got.
 */
const RANDOM_POOL = Buffer.alloc(4096);
let poolOffset = RANDOM_POOL.length;

function randomHex12(): string {
  if (poolOffset + 6 > RANDOM_POOL.length) {
    randomFillSync(RANDOM_POOL);
    poolOffset = 0;
  }
  poolOffset += 6;
  return RANDOM_POOL.toString('hex', poolOffset - 6, poolOffset);
}
