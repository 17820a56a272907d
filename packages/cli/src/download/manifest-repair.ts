/**
 * A manifest whose disk filled (ENOSPC, EFBIG) mid-write ends in a torn line:
 * half a JSON object that would fail every reader of the file, or worse, be
 * taken for a whole entry by one that skips what it cannot parse. Cutting the
 * file back to its last newline leaves whole entries only; shrinking a file
 * needs no free space.
 */
import { open } from 'node:fs/promises';

const CHUNK_BYTES = 64 * 1024;

/** Truncates `filePath` just after its last '\n' (to empty when it has none); reads backwards a chunk at a time. */
export async function dropTornLastLine(filePath: string): Promise<void> {
  const file = await open(filePath, 'r+');
  try {
    const { size } = await file.stat();
    const buffer = Buffer.alloc(CHUNK_BYTES);
    let keep = 0;
    for (let end = size; end > 0; ) {
      const start = Math.max(0, end - CHUNK_BYTES);
      const { bytesRead } = await file.read(buffer, 0, end - start, start);
      const newline = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (newline !== -1) {
        keep = start + newline + 1;
        break;
      }
      end = start;
    }
    if (keep < size) await file.truncate(keep);
  } finally {
    await file.close();
  }
}
