/**
 * `--resume` on a rerun: a file already at its target path is complete (the
 * engine writes atomically: a target exists only once whole), so it is kept
 * and only hashed for the manifest instead of fetched again.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface ExistingFile {
  bytes: number;
  sha256: string;
}

export async function inspectExistingFile(absolutePath: string): Promise<ExistingFile | null> {
  let info;
  try {
    info = await stat(absolutePath);
  } catch {
    return null;
  }
  if (!info.isFile()) return null;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(absolutePath)) hash.update(chunk as Buffer);
  return { bytes: info.size, sha256: hash.digest('hex') };
}
