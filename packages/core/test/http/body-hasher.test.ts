/**
 * Which thread hashes a streamed body: the hasher thread once it is up; while
 * it boots, this thread for a body declared small enough (rather than waiting
 * for the boot), and the hasher thread, started then, for any other.
 */
import { describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createBodyHasher, type BodyHasher } from '../../dist/http/body-hasher.js';
import { HasherThread } from '../../dist/http/file-hasher.js';

const MiB = 1024 * 1024;

/** Feeds `chunks` the way save-to.ts does (as they arrive, or once written) and returns the digest. */
async function hashWith(hasher: BodyHasher, chunks: Uint8Array[]): Promise<string> {
  for (const chunk of chunks) {
    if (hasher.onChunk) hasher.onChunk(chunk);
    else await hasher.onWritten!([new Uint8Array(chunk)]);
  }
  return hasher.digest();
}

describe('createBodyHasher', () => {
  const chunks = [randomBytes(MiB), randomBytes(12345)];
  const expected = createHash('sha256').update(chunks[0]!).update(chunks[1]!).digest('hex');

  it('hashes a body declared at most 8 MiB here while the thread boots, and starts the thread', async () => {
    const thread = new HasherThread();
    const small = createBodyHasher(4 * MiB, thread);
    expect(small.onChunk).toBeDefined();
    // Started, not waited for.
    const worker = thread.start();
    expect(thread.isOnline()).toBe(false);
    await expect(hashWith(small, chunks)).resolves.toBe(expected);
    if (!thread.isOnline()) await once(worker, 'online');
    const later = createBodyHasher(4 * MiB, thread);
    expect(later.onWritten).toBeDefined();
    await expect(hashWith(later, chunks)).resolves.toBe(expected);
    await worker.terminate();
  });

  it.each([[undefined], [64 * MiB]])('waits for the thread for a body declared %p bytes', async (declared) => {
    const thread = new HasherThread();
    const hasher = createBodyHasher(declared, thread);
    expect(thread.isOnline()).toBe(false);
    expect(hasher.onWritten).toBeDefined();
    await expect(hashWith(hasher, chunks)).resolves.toBe(expected);
    await thread.start().terminate();
  });
});
