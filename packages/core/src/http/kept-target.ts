/**
 * `resume: true` on a target that already exists: is it the complete file?
 * Its size is checked against the server's cheaply, by asking for its last
 * byte only (`Range: bytes=<size-1>-`): a 206 whose Content-Range says exactly
 * that byte of a resource of that size means complete, anything else (a 200,
 * a 416, another total) means download again and replace it. A target that is
 * not a regular file (a symlink, planted or not) is never kept: the new
 * download's rename replaces the link itself, never what it points to.
 */
import { createHash } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseContentRange } from './content-range.js';
import { READ_NO_FOLLOW, hashOpenFile, openOwnFile } from './no-follow.js';

export interface ExistingTarget {
  path: string;
  size: number;
}

/** The regular, non-empty file at `target`, or null. */
export async function existingTarget(target: string): Promise<ExistingTarget | null> {
  const path = resolve(target);
  try {
    const info = await lstat(path);
    return info.isFile() && info.size > 0 ? { path, size: info.size } : null;
  } catch {
    return null;
  }
}

/** The probe's Range header: the last byte of what is on disk. */
export function probeRange(existing: ExistingTarget): string {
  return `bytes=${existing.size - 1}-`;
}

/** Whether the probe's answer says the resource is exactly as long as the file. */
export function confirmsComplete(statusCode: number, contentRange: string | undefined, existing: ExistingTarget): boolean {
  if (statusCode !== 206) return false;
  const range = parseContentRange(contentRange);
  const last = existing.size - 1;
  return range !== undefined && range.start === last && range.end === last && range.total === existing.size;
}

/**
 * The existing file's sha256 (when `hashed`), read without following a link;
 * null when it is no longer the same plain file (replaced since it was looked at).
 */
export async function digestOfExisting(existing: ExistingTarget, hashed: boolean): Promise<{ sha256: string | undefined } | null> {
  const opened = await openOwnFile(existing.path, READ_NO_FOLLOW, { anyLinkCount: true }).catch(() => null);
  if (opened === null) return null;
  try {
    if (opened.size !== existing.size) return null;
    if (!hashed) return { sha256: undefined };
    const hash = createHash('sha256');
    const bytes = await hashOpenFile(opened.file, hash);
    return bytes === existing.size ? { sha256: hash.digest('hex') } : null;
  } finally {
    await opened.file.close();
  }
}
