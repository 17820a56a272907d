/**
 * settleDownload writes an ok manifest line only for bytes on disk: a saved
 * file that vanished or changed size after the engine reported it fails the
 * entry with NotOnDisk (defence in depth behind the path allocator).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rm, truncate } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FuturesSession } from '@requests-futures/core';
import { settleDownload, type DownloadMeta } from '../dist/download/outcome.js';
import { startContentServer, useDownloadFixture } from './helpers.js';

describe('settleDownload', () => {
  let session: FuturesSession;

  beforeAll(() => {
    session = new FuturesSession({ maxWorkers: 2 });
  });
  // Declared before the fixture, so the session ends before its server closes (afterAll hooks run in the order declared).
  afterAll(() => session.close());
  const fixture = useDownloadFixture('rf-outcome-', () => startContentServer());

  async function download(name: string, resume = false) {
    const saveTo = path.join(fixture.work, name);
    const request = { url: `${fixture.server.url}/${name}`, saveTo, saveWithin: fixture.work, resume };
    const meta: DownloadMeta = { url: request.url, path: name, line: 1, submittedAt: performance.now(), request };
    const future = session.get(request.url, { saveTo, saveWithin: fixture.work, resume, meta });
    await future.result();
    return { future: future as Parameters<typeof settleDownload>[0], saveTo };
  }
  const noRetries = { retries: 0, resubmit: () => null };

  it('an ok download whose file is as reported is ok', async () => {
    const { future } = await download('fine.bin');
    const { entry } = await settleDownload(future, noRetries);
    expect(entry).toMatchObject({ ok: true, bytes: fixture.server.content('/fine.bin').length, sha256: fixture.server.sha256('/fine.bin') });
  });

  it.each([
    ['removed', (file: string) => rm(file), /missing after the download/],
    ['truncated', (file: string) => truncate(file, 10), /holds 10 bytes, the download reported \d+/],
  ])('a file %s after the download fails NotOnDisk', async (_how, spoil, reason) => {
    const { future, saveTo } = await download(`spoiled-${_how}.bin`);
    await spoil(saveTo);
    const { entry, outcome } = await settleDownload(future, noRetries);
    expect(outcome.ok).toBe(false);
    expect(entry).toMatchObject({ ok: false, bytes: null, sha256: null });
    expect(entry.error).toMatch(/^NotOnDisk: /);
    expect(entry.error).toMatch(reason);
  });

  describe('savedInThisProcess (the engine ran here)', () => {
    const inProcess = { ...noRetries, savedInThisProcess: true };

    it('a file the engine wrote and renamed is ok on the strength of its own writes: it is not looked at again', async () => {
      const { future, saveTo } = await download('written-here.bin');
      // Spoiled after the rename: only an lstat would see it, and this mode does not take one.
      await truncate(saveTo, 10);
      const { entry } = await settleDownload(future, inProcess);
      expect(entry).toMatchObject({ ok: true, bytes: fixture.server.content('/written-here.bin').length, sha256: fixture.server.sha256('/written-here.bin') });
    });

    it('a kept file (found on disk, not written by this run) is still looked at', async () => {
      await download('kept-here.bin');
      const { future, saveTo } = await download('kept-here.bin', true);
      const response = await future.result();
      expect(response.kept).toBe(true);
      await rm(saveTo);
      const { entry } = await settleDownload(future, inProcess);
      expect(entry).toMatchObject({ ok: false, bytes: null });
      expect(entry.error).toMatch(/^NotOnDisk: .*missing after the download/);
    });
  });
});
