/**
 * The rf executable claims its process (own-process.ts): from then on V8's
 * young generation keeps its size, where V8 alone doubles it up to 32 MiB
 * under a workload whose objects survive a scavenge or two, as a download's
 * per-request objects do. Each run is a process of its own: V8's flags are
 * per process.
 */
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const OWN_PROCESS = fileURLToPath(new URL('../dist/own-process.js', import.meta.url));

async function maxNewSpaceBytes(claim: boolean, options: { nodeFlags?: string[]; workerThread?: boolean } = {}): Promise<number> {
  const workload = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { Worker } from 'node:worker_threads';
    import { once } from 'node:events';
    import { claimProcess, ownsProcess } from ${JSON.stringify(OWN_PROCESS)};
    if (${claim}) claimProcess();
    if (ownsProcess() !== ${claim}) throw new Error('ownsProcess() disagrees with the claim');
    if (${options.workerThread === true}) {
      // As the hasher thread does: a new isolate, started after the claim.
      const thread = new Worker('setInterval(() => {}, 1000)', { eval: true });
      await once(thread, 'online');
      thread.unref();
    }
    const ring = new Array(200000);
    let max = 0;
    for (let i = 0; i < 3000000; i++) {
      ring[i % ring.length] = { i, s: 'x' + (i & 1023) };
      if (i % 10000 === 0) max = Math.max(max, getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
    }
    console.log(max);`;
  const { stdout } = await promisify(execFile)(process.execPath, [...(options.nodeFlags ?? []), '--input-type=module', '-e', workload]);
  return Number(stdout);
}

describe('claimProcess', () => {
  it('keeps the young generation at 8 MiB or less, where V8 alone grows it to 16 MiB or more', async () => {
    const [claimed, control] = await Promise.all([maxNewSpaceBytes(true), maxNewSpaceBytes(false)]);
    expect(claimed).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(control).toBeGreaterThanOrEqual(16 * 1024 * 1024);
  });

  it('keeps it so after a worker thread starts (V8 resets the factor for each new isolate)', async () => {
    expect(await maxNewSpaceBytes(true, { workerThread: true })).toBeLessThanOrEqual(8 * 1024 * 1024);
  });

  it("leaves the young generation alone when the user sized it for node", async () => {
    const userSized = await maxNewSpaceBytes(true, { nodeFlags: ['--semi-space-growth-factor=2'] });
    expect(userSized).toBeGreaterThanOrEqual(16 * 1024 * 1024);
  });
});
