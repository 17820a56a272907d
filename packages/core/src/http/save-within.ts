/**
 * The directory a saveTo target goes into, made to exist only when a body is
 * about to be written, and remembered so that a failed download can remove
 * the directories it made (no empty directories for failed URLs).
 *
 * With `saveWithin` the target must stay inside that directory on the real
 * filesystem, not just in the path's text: the directories between it and the
 * target are walked (and created) one component at a time, and any that is a
 * symlink, or not a directory at all, is refused with UnsafePath; saveWithin
 * itself is taken by its realpath. (The part files, the
 * temporaries and the record themselves are opened with O_NOFOLLOW.)
 */
import { lstat as lstatCallback, readlinkSync, type Stats } from 'node:fs';
import { lstat, mkdir, realpath, rmdir } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { UnsafePath, type RequestInfo } from './errors.js';
import { relativeInside } from './path-inside.js';

/** The directories this download created, outermost first. */
export type CreatedDirectories = string[];

/**
 * Makes the target's directory exist (the directories made, outermost first).
 * `walked`: directoryExistsWithin found it in place for this request, before
 * it was sent; it is not walked again (a vanished directory shows as ENOENT
 * on the open, and the caller prepares again without `walked`).
 */
export async function prepareDirectory(destination: string, within: string | null | undefined, request: RequestInfo, walked = false): Promise<CreatedDirectories> {
  const directory = dirname(destination);
  if (walked && within !== null && within !== undefined) return [];
  if (within === null || within === undefined) {
    let first: string | undefined;
    try {
      first = await mkdir(directory, { recursive: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTDIR') throw unsafe(`${directory} cannot be a directory: a file is in the way`, request);
      throw error;
    }
    return first === undefined ? [] : chainFrom(first, directory);
  }
  return walkWithin(destination, within, request);
}

/** `first` and every directory under it down to `last`. */
function chainFrom(first: string, last: string): string[] {
  const chain = [last];
  for (let current = last; current !== first && dirname(current) !== current; ) {
    current = dirname(current);
    chain.unshift(current);
  }
  return chain;
}

async function walkWithin(destination: string, within: string, request: RequestInfo): Promise<CreatedDirectories> {
  try {
    return await walkWithinOnce(destination, within, request);
  } catch (error) {
    // The remembered root may be stale (saveWithin removed or replaced): look again once before failing.
    if (!realRoots.delete(resolve(within))) throw error;
    return walkWithinOnce(destination, within, request);
  }
}

async function walkWithinOnce(destination: string, within: string, request: RequestInfo): Promise<CreatedDirectories> {
  const { root, components } = await rootAndComponents(destination, within, request, true);
  const created: string[] = [];
  let current = root!;
  for (const component of components) {
    current = join(current, component);
    // Most downloads go into a directory that exists: look before making (one hop instead of two).
    if (await existingDirectory(current, request)) continue;
    if (await makeDirectory(current)) created.push(current);
    else await requireDirectory(current, request);
  }
  // Every component below the real root was a directory and not a symlink when looked at: the path is its own
  // realpath (asking realpath again cost a hop and a readlink per component for every file).
  return created;
}

/**
 * saveWithin's real path, made to exist when `create`, remembered per process:
 * it is the caller's own choice (a symlink there is theirs), and asking again
 * cost two filesystem hops for every download (5,000 small files: ~10,000 hops).
 */
const realRoots = new Map<string, string>();

async function realRoot(base: string, create: boolean): Promise<string | undefined> {
  const known = realRoots.get(base);
  if (known !== undefined) return known;
  if (create) await mkdir(base, { recursive: true });
  try {
    const real = await realpath(base);
    realRoots.set(base, real);
    return real;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !create) return undefined;
    throw error;
  }
}

/** saveWithin's real path and the directory components between it and the target; refuses a target outside it by path. */
async function rootAndComponents(destination: string, within: string, request: RequestInfo, create: boolean): Promise<{ root: string | undefined; components: string[] }> {
  const { base, components } = splitWithin(destination, within, request);
  return { root: await realRoot(base, create), components };
}

/**
 * The last directory split (text only, no filesystem): the files of a run come
 * a directory at a time, and a target whose directory is one found inside
 * saveWithin is inside it too, unless its last component is '.' or '..'.
 */
let lastSplit: { within: string; directory: string; base: string; components: string[] } | undefined;

const isName = (component: string) => component !== '' && component !== '.' && component !== '..';

function splitWithin(destination: string, within: string, request: RequestInfo): { base: string; components: string[] } {
  const directory = dirname(destination);
  if (lastSplit !== undefined && lastSplit.within === within && lastSplit.directory === directory && isName(basename(destination))) return lastSplit;
  const base = resolve(within);
  const inside = relativeInside(base, destination);
  if (inside === null) throw unsafe(`${destination} is not inside saveWithin ${base}`, request);
  const components = dirname(inside).split(sep).filter((part) => part !== '' && part !== '.');
  lastSplit = { within, directory, base, components };
  return lastSplit;
}

/**
 * Before anything is sent (nothing is created): refuses a target outside
 * saveWithin, or below a symlink or a non-directory that already exists;
 * true when the target's directory exists (its part file can be claimed).
 */
export async function directoryExistsWithin(destination: string, within: string, request: RequestInfo): Promise<boolean> {
  const { base, components } = splitWithin(destination, within, request);
  // The remembered root without an await (a promise and a turn per file, as this runs before every request).
  const root = realRoots.get(base) ?? (await realRoot(base, false));
  if (root === undefined) return false;
  let current = root;
  for (const component of components) {
    current = join(current, component);
    if (!(await existingDirectory(current, request))) return false;
  }
  return true;
}

/**
 * The file just opened for `destination` (descriptor `fd`) must be inside
 * saveWithin on the real filesystem. Its directories were walked before the
 * request was sent (and not again: see prepareDirectory's `walked`), the server
 * decides how long it takes to answer, and meanwhile one of them may have
 * become a symlink to elsewhere: open() follows symlinks in every component
 * but the last. The kernel's name for the descriptor says where the file
 * really is: a readlink of /proc, synchronous (no disk, no pool hop, no
 * promise per file). Where there is no /proc/self/fd (not Linux) nothing is
 * checked here. Throws UnsafePath; the caller closes and removes the file.
 */
export function checkOpenedWithin(fd: number, destination: string, within: string | null | undefined, request: RequestInfo): void {
  if (within === null || within === undefined) return;
  const root = realRoots.get(resolve(within));
  const real = pathOfDescriptor(fd);
  if (root === undefined || real === undefined || real.startsWith(root.endsWith(sep) ? root : root + sep)) return;
  throw unsafe(`${destination} was opened at ${real}, outside saveWithin ${root}: a directory on its path became a symlink`, request);
}

function pathOfDescriptor(fd: number): string | undefined {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

/** true when this call created it; false when something already has the name. */
async function makeDirectory(path: string): Promise<boolean> {
  try {
    await mkdir(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * true for a real directory, false when nothing has the name; a symlink or a file is refused.
 * One promise around the callback API: fs/promises' lstat behind two async frames cost the main
 * thread ~3% of rf download on 5,000 small files (this runs once per file and directory level).
 */
function existingDirectory(path: string, request: RequestInfo): Promise<boolean> {
  return new Promise((resolve, reject) =>
    lstatCallback(path, (error, info) => {
      if (error !== null) return error.code === 'ENOENT' ? resolve(false) : reject(error);
      try {
        checkDirectory(path, info, request);
        resolve(true);
      } catch (refusal) {
        reject(refusal);
      }
    }),
  );
}

/** What has the name must be a real directory; rejects (ENOENT too) otherwise. */
async function requireDirectory(path: string, request: RequestInfo): Promise<void> {
  checkDirectory(path, await lstat(path), request);
}

function checkDirectory(path: string, info: Stats, request: RequestInfo): void {
  if (info.isSymbolicLink()) throw unsafe(`${path} is a symlink: saveWithin refuses to follow it`, request);
  if (!info.isDirectory()) throw unsafe(`${path} is not a directory`, request);
}

function unsafe(message: string, request: RequestInfo): UnsafePath {
  return new UnsafePath(`${message}: ${request.method} ${request.url}`, { request });
}

/** Removes the directories a failed download created, innermost first, stopping at one that is not empty (another download's). */
export async function removeCreatedDirectories(created: CreatedDirectories): Promise<void> {
  for (const directory of [...created].reverse()) {
    try {
      await rmdir(directory);
    } catch {
      return;
    }
  }
}
