/**
 * Opening the engine's own files (part files, temporaries, the part record,
 * a kept target) without following a symlink planted at their name: O_NOFOLLOW
 * makes open fail with ELOOP instead of writing (or reading) through the link.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_APPEND, O_NOFOLLOW, O_NONBLOCK } = constants;

/** A new file that nobody else has: fails with EEXIST if anything (a file, a symlink) has the name. */
export const CREATE_NEW = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW;
/** Appending to an existing regular file, never through a symlink. */
export const APPEND_EXISTING = O_WRONLY | O_APPEND | O_NOFOLLOW;
/**
 * Reading an existing file, never through a symlink. O_NONBLOCK: a FIFO planted
 * at the name (a part record, a claim) would make open wait for a writer forever,
 * holding one of libuv's threads and the process with it; non-blocking, it opens
 * at once and openOwnFile refuses it as not a regular file. (No effect on a regular file.)
 */
export const READ_NO_FOLLOW = O_RDONLY | O_NOFOLLOW | O_NONBLOCK;

/**
 * Opens an existing file with `flags` (O_NOFOLLOW among them) and checks it is
 * a regular file with one name: a hard link to a file elsewhere would be
 * written through just like a symlink (`anyLinkCount` allows it, for reading
 * a user's file). Returns null when it is something else.
 */
export async function openOwnFile(path: string, flags: number, options: { anyLinkCount?: boolean } = {}): Promise<{ file: FileHandle; size: number } | null> {
  let file: FileHandle;
  try {
    file = await open(path, flags);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') return null;
    throw error;
  }
  const info = await file.stat();
  if (!info.isFile() || (info.nlink !== 1 && !options.anyLinkCount)) {
    await file.close();
    return null;
  }
  return { file, size: info.size };
}

/** A sha256 being computed: node's Hash, or the hasher thread's job (file-hasher.ts). */
export interface ChunkHasher {
  update(chunk: Buffer): unknown;
}

/** Feeds a file's bytes to `hash` (when given) through an open handle; returns how many there were. */
export async function hashOpenFile(file: FileHandle, hash: ChunkHasher | undefined): Promise<number> {
  let bytes = 0;
  for await (const chunk of file.createReadStream({ autoClose: false, start: 0 })) {
    hash?.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return bytes;
}
