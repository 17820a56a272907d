/**
 * The files a download run reads or writes besides the downloads (the URL
 * list, the manifest, the --checksums file) may lie inside the output
 * directory: a list line naming one of them must not replace it with a
 * download (rf would report the manifest written while a download stood in
 * its place). Their paths are reserved in the run's allocator, so such a line
 * gets " (2)" like any other name that is taken.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { relativeInside } from '@requests-futures/core/internal';
import type { PathAllocator } from './paths.js';

/** The relative path ('/'-separated) of `file` inside `directory`, by real paths; null when it is elsewhere or missing. */
export async function pathInside(directory: string, file: string): Promise<string | null> {
  let realDirectory: string;
  let realFile: string;
  try {
    [realDirectory, realFile] = await Promise.all([realpath(directory), realpath(file)]);
  } catch {
    return null;
  }
  const relative = relativeInside(realDirectory, realFile);
  return relative === null ? null : relative.split(path.sep).join('/');
}

/** Reserves in `allocator` each of `files` (those given) that lies inside its directory. */
export async function reserveRunFiles(allocator: PathAllocator, files: (string | undefined)[]): Promise<void> {
  for (const file of files) {
    if (file === undefined) continue;
    const relative = await pathInside(allocator.directory, file);
    if (relative !== null) allocator.reserve(relative);
  }
}
