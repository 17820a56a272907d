import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchedFileWriter } from '../../dist/http/batched-file-writer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rf-batched-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('BatchedFileWriter', () => {
  it('writes every chunk, in order, across many batches and a partial last one', async () => {
    const file = await open(join(dir, 'out.bin'), 'w');
    const writer = new BatchedFileWriter(file, 10);
    const chunks = Array.from({ length: 50 }, (_, i) => Buffer.from(`chunk-${i};`));
    for (const chunk of chunks) await writer.write(chunk);
    await writer.end();
    await file.close();
    expect((await readFile(join(dir, 'out.bin'))).toString()).toBe(chunks.map(String).join(''));
  });

  it('reports a failed write to the next call, and keeps reporting it', async () => {
    const file = await open(join(dir, 'out.bin'), 'w');
    const writer = new BatchedFileWriter(file, 4);
    await file.close(); // every write on it now fails
    await writer.write(Buffer.from('12345')); // starts a batch write, which fails in the background
    await expect(writer.end()).rejects.toMatchObject({ code: expect.stringMatching(/EBADF|ERR_INVALID_STATE/) });
    await expect(writer.write(Buffer.from('x'))).rejects.toBeDefined();
  });
  it('push() asks the caller to pause while a full batch waits for the write in progress, and keeps the order', async () => {
    const file = await open(join(dir, 'out.bin'), 'w');
    const batches: number[] = [];
    const writer = new BatchedFileWriter(file, { batchBytes: 8, onWritten: (chunks) => void batches.push(chunks.length) });
    const chunks = Array.from({ length: 40 }, (_, i) => Buffer.from(`c${String(i).padStart(2, '0')};`));
    let pauses = 0;
    for (const chunk of chunks) {
      if (writer.push(chunk)) continue;
      pauses += 1;
      await writer.drained();
    }
    await writer.end();
    await file.close();
    expect((await readFile(join(dir, 'out.bin'))).toString()).toBe(chunks.map(String).join(''));
    // 4-byte chunks, 8-byte batches: the second full batch always finds the first one writing.
    expect(pauses).toBeGreaterThan(0);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(40);
  });
});
