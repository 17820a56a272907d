/**
 * `resume: true` on a target that already exists: is it the complete file?
 * Its size is checked against the server's cheaply, by asking for its last
 * byte only (`Range: bytes=<size-1>-`): a 206 whose Content-Range says exactly
 * that byte of a resource of that size, and whose byte is the file's last,
 * means complete; anything else (a 200, a 416, another total, another byte)
 * means download again and replace it. A target that is not a regular file
 * (a symlink, planted or not) is never kept: the new download's rename
 * replaces the link itself, never what it points to.
 */
import { createHash } from 'node:crypto';
import { lstat, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseContentRange } from './content-range.js';
import { READ_NO_FOLLOW, hashOpenFile, openOwnFile } from './no-follow.js';
import { SMALL_BODY_BYTES } from './small-body.js';

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
 * null when it is no longer the same plain file (replaced since it was looked
 * at), or when its last byte is not `lastByte`, the one the probe received:
 * a file of the right size that ends otherwise is not the server's (one
 * allocated whole by another tool and cut short ends in zeros).
 */
export async function digestOfExisting(existing: ExistingTarget, hashed: boolean, lastByte: number): Promise<{ sha256: string | undefined } | null> {
  const opened = await openOwnFile(existing.path, READ_NO_FOLLOW, { anyLinkCount: true }).catch(() => null);
  if (opened === null) return null;
  try {
    if (opened.size !== existing.size) return null;
    if (existing.size <= SMALL_BODY_BYTES) return await digestOfSmall(opened.file, existing.size, hashed, lastByte);
    const last = Buffer.alloc(1);
    const { bytesRead } = await opened.file.read(last, 0, 1, existing.size - 1);
    if (bytesRead !== 1 || last[0] !== lastByte) return null;
    if (!hashed) return { sha256: undefined };
    const hash = createHash('sha256');
    const bytes = await hashOpenFile(opened.file, hash);
    return bytes === existing.size ? { sha256: hash.digest('hex') } : null;
  } finally {
    await opened.file.close();
  }
}

/**
 * A small file read in one go (one read where a stream made three and its
 * buffers): one byte more is asked for, so a file that grew since is told.
 * A rerun with --resume over thousands of kept small files reads each once.
 */
async function digestOfSmall(file: FileHandle, size: number, hashed: boolean, lastByte: number): Promise<{ sha256: string | undefined } | null> {
  const buffer = Buffer.allocUnsafe(size + 1);
  const { bytesRead } = await file.read(buffer, 0, size + 1, 0);
  if (bytesRead !== size || buffer[size - 1] !== lastByte) return null;
  return { sha256: hashed ? createHash('sha256').update(buffer.subarray(0, size)).digest('hex') : undefined };
}
