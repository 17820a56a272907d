import { describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { FileHashJob, HasherThread, startHasherThread } from '../../dist/http/file-hasher.js';

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

describe('HasherThread', () => {
  const digestOf = (bytes: number[]) => createHash('sha256').update(Buffer.from(bytes)).digest('hex');

  it('ends once idle, started ahead of a job or after its last one, and the next job starts another', async () => {
    const hasher = new HasherThread(20);
    const ahead = hasher.start();
    // Never given a job: it ends by itself.
    await once(ahead, 'exit');
    const job = new FileHashJob(hasher);
    job.update([new Uint8Array([1, 2, 3])]);
    await expect(job.digest()).resolves.toBe(digestOf([1, 2, 3]));
    const used = hasher.start();
    expect(used).not.toBe(ahead);
    await once(used, 'exit');
    const next = new FileHashJob(hasher);
    next.update([new Uint8Array([4])]);
    await expect(next.digest()).resolves.toBe(digestOf([4]));
    expect(hasher.start()).not.toBe(used);
  });

  it('does not end while a job is open, however long it waits between chunks', async () => {
    const hasher = new HasherThread(10);
    const job = new FileHashJob(hasher);
    const worker = hasher.start();
    let exited = false;
    worker.once('exit', () => (exited = true));
    for (let i = 0; i < 5; i++) {
      job.update([new Uint8Array([i])]);
      await job.caughtUp(0);
      // Longer than the idle time, with the job still open.
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(exited).toBe(false);
    await expect(job.digest()).resolves.toBe(digestOf([0, 1, 2, 3, 4]));
    await once(worker, 'exit');
  });
});
