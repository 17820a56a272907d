import { describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { FileHashJob, startHasherThread } from '../../dist/http/file-hasher.js';

describe('FileHashJob', () => {
  // 24 MiB spans several of the hasher thread's young collections (one every 4 MiB):
  // chunks freed after hashing must not be ones still to be hashed.
  it('hashes many MiB in order across the thread collecting what it hashed', async () => {
    const expected = createHash('sha256');
    const jobs = [new FileHashJob(), new FileHashJob()];
    const expectedSecond = createHash('sha256');
    for (let i = 0; i < 24; i++) {
      const chunk = randomBytes(1024 * 1024);
      expected.update(chunk);
      const copy = new Uint8Array(chunk);
      expectedSecond.update(copy.subarray(0, 4096));
      jobs[0]!.update([new Uint8Array(chunk)]);
      jobs[1]!.update([copy.subarray(0, 4096)]);
      await jobs[0]!.caughtUp(4 * 1024 * 1024);
    }
    await expect(jobs[0]!.digest()).resolves.toBe(expected.digest('hex'));
    await expect(jobs[1]!.digest()).resolves.toBe(expectedSecond.digest('hex'));
  });
});

// That a thread started ahead of any job never keeps rf alive is proven end to end by the CLI's
// process tests (download-processes: in-process SIGINT/SIGTERM; download-filesystem), which hung
// when the thread's 'message' listener re-referenced its port after unref().
describe('startHasherThread', () => {
  it('starts the thread ahead of the first job, which then hashes on it', async () => {
    startHasherThread();
    const job = new FileHashJob();
    job.update([new Uint8Array([1, 2, 3])]);
    await expect(job.digest()).resolves.toBe(createHash('sha256').update(Buffer.from([1, 2, 3])).digest('hex'));
  });
});
