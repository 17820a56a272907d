/**
 * The bytes of a demo file, computed on demand. Content is made of 64 KiB
 * blocks, each generated from (file seed, block index) alone, so any byte
 * range is produced without generating what precedes it (Range requests).
 */
import { createHash } from 'node:crypto';
import { fillRandomWords, mixSeed } from './prng.js';
import type { DemoFile } from './catalog.js';

export const BLOCK_BYTES = 64 * 1024;

function block(file: DemoFile, index: number): Buffer {
  const words = new Uint32Array(BLOCK_BYTES / 4);
  fillRandomWords(words, mixSeed(file.seed, index));
  return Buffer.from(words.buffer, words.byteOffset, words.byteLength);
}

/** Chunks (at most one block each) of bytes [start, end) of the file. */
export function* fileChunks(file: DemoFile, start = 0, end = file.size): Generator<Buffer> {
  let offset = Math.max(0, start);
  const stop = Math.min(end, file.size);
  while (offset < stop) {
    const index = Math.floor(offset / BLOCK_BYTES);
    const blockStart = index * BLOCK_BYTES;
    const from = offset - blockStart;
    const to = Math.min(BLOCK_BYTES, stop - blockStart);
    yield block(file, index).subarray(from, to);
    offset = blockStart + to;
  }
}

/** The whole file's SHA-256, hex: what a correct download must hash to. */
export function fileSha256(file: DemoFile): string {
  const hash = createHash('sha256');
  for (const chunk of fileChunks(file)) hash.update(chunk);
  return hash.digest('hex');
}
