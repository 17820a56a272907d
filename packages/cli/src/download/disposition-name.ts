/**
 * --content-disposition: the server's file name (RFC 6266 `filename`, or
 * `filename*` in RFC 5987 encoding, which wins) replaces the name a URL gave.
 * The name is known only once the response arrives, so the finished file is
 * renamed within its directory: the new name goes through the same
 * sanitizing and the same allocator as every other name (it cannot climb out
 * of DIR, carry a directory, or take a name another entry holds), and only
 * while no directory between DIR and the file is a symlink.
 */
import { link, unlink } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseContentDisposition } from 'content-disposition';
import { directoryExistsWithin } from '@requests-futures/core/internal';
import type { PathAllocator } from './paths.js';
import { sanitizeSegment } from './paths.js';

/** The sanitized file name a Content-Disposition header gives; null when it gives none (or cannot be parsed). */
export function dispositionFileName(header: string | null | undefined): string | null {
  if (!header) return null;
  let filename: string | undefined;
  try {
    filename = parseContentDisposition(header).parameters.filename;
  } catch {
    return null; // A malformed header names nothing: the URL's name stays.
  }
  if (filename === undefined) return null;
  // A name, not a path: separators cannot make directories (or climb).
  const name = sanitizeSegment(filename.replace(/[/\\]/g, '_'));
  return name === '' ? null : name;
}

/**
 * Renames the downloaded file `relativePath` to the server's name, in the same
 * directory; returns the new relative path, or null when it keeps its name (no
 * usable name, the same name, or one that is already on disk: `link` never
 * replaces a file).
 */
export async function renameToDispositionName(allocator: PathAllocator, relativePath: string, header: string | null | undefined, url: string): Promise<string | null> {
  const name = dispositionFileName(header);
  const parent = path.posix.dirname(relativePath);
  if (name === null || path.posix.basename(relativePath) === name) return null;
  const from = allocator.resolveInside(relativePath);
  const target = allocator.allocate(parent === '.' ? name : `${parent}/${name}`);
  // The allocator may shorten a long path's directories: only a rename within the checked directory is safe.
  if (path.dirname(target.absolutePath) !== path.dirname(from)) return null;
  // The engine walked the directories when it wrote the file; one may have become a symlink since, and a link and an
  // unlink through it would rename a file elsewhere: they are walked again (UnsafePath on a symlink).
  await directoryExistsWithin(from, allocator.directory, { method: 'GET', url });
  try {
    await link(from, target.absolutePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw error;
  }
  await unlink(from);
  return target.relativePath;
}
