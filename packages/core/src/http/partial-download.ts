/**
 * The bookkeeping of a resumable download: `.<name>.part` holds the bytes so
 * far and `.<name>.part.json` the validator (a strong ETag, else Last-Modified) of the
 * response they came from, and the resource's size when the server stated it,
 * so a later request can ask for the rest with `Range` + `If-Range`, get it
 * only if the file has not changed, and check that the rest belongs to a
 * resource of the same size. Both are opened without following symlinks, and
 * a part file with another name (a hard link) is not resumed.
 */
import { unlink } from 'node:fs';
import { lstat, open, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CREATE_NEW, READ_NO_FOLLOW, openOwnFile } from './no-follow.js';

export interface PartialDownload {
  /** Bytes already in the part file. */
  bytes: number;
  validator: string;
  url: string;
  /** The resource's size, when the response that started the part stated it. */
  total?: number;
}

export interface PartialRecord {
  validator: string;
  url: string;
  total?: number;
}

export function partialPaths(target: string): { part: string; record: string } {
  const destination = resolve(target);
  const part = join(dirname(destination), `.${basename(destination)}.part`);
  return { part, record: `${part}.json` };
}

async function readRecord(path: string): Promise<Partial<PartialRecord> | null> {
  const opened = await openOwnFile(path, READ_NO_FOLLOW);
  if (opened === null) return null;
  try {
    return JSON.parse(await opened.file.readFile('utf8')) as Partial<PartialRecord>;
  } finally {
    await opened.file.close();
  }
}

/** The partial download left for `target`, if one can be resumed. */
export async function findPartial(target: string): Promise<PartialDownload | null> {
  const { part, record } = partialPaths(target);
  try {
    const [info, parsed] = await Promise.all([lstat(part), readRecord(record)]);
    if (!info.isFile() || info.nlink !== 1 || info.size === 0 || parsed === null) return null;
    if (typeof parsed.validator !== 'string' || typeof parsed.url !== 'string') return null;
    const partial: PartialDownload = { bytes: info.size, validator: parsed.validator, url: parsed.url };
    if (typeof parsed.total === 'number' && Number.isInteger(parsed.total) && parsed.total >= info.size) partial.total = parsed.total;
    return partial;
  } catch {
    return null;
  }
}

/** Writes the record anew (never through whatever had its name). */
export async function rememberPartial(target: string, record: PartialRecord): Promise<void> {
  const path = partialPaths(target).record;
  await rm(path, { force: true });
  const file = await open(path, CREATE_NEW, 0o644);
  try {
    await file.writeFile(JSON.stringify(record));
  } finally {
    await file.close();
  }
}

/**
 * Removes the record (and the part file unless told to keep it); a name
 * already gone is no failure. Callback unlinks under one promise: fs/promises'
 * rm costs an lstat and a promise more per name (about 80 µs a file against
 * 30 measured), on every completed resumable download and every kept file.
 */
export function forgetPartial(target: string, options: { keepPart?: boolean } = {}): Promise<void> {
  const { part, record } = partialPaths(target);
  const names = options.keepPart ? [record] : [record, part];
  return new Promise((resolve, reject) => {
    let left = names.length;
    let failure: NodeJS.ErrnoException | undefined;
    const done = (error: NodeJS.ErrnoException | null) => {
      if (error !== null && error.code !== 'ENOENT') failure ??= error;
      if (--left > 0) return;
      if (failure) reject(failure);
      else resolve();
    };
    for (const name of names) unlink(name, done);
  });
}
