/**
 * The engine as rf download drives it (createDownloadEngine; saveTo + resume +
 * saveWithin; aborted, then closed as on Ctrl-C): a download interrupted
 * before its first 1 MiB write batch keeps what arrived in its part file,
 * like a larger one, and the next --resume run asks only for the rest.
 *
 * The part is complete only once the engine is closed: the aborted future
 * settles before the engine has flushed its batch (a stat right after the
 * rejection saw 0 bytes), which rf does not depend on because it closes the
 * engine (waiting for running tasks) before it exits.
 */
import { expect, it } from '@jest/globals';
import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import type { ObservableExecutor } from '@requests-futures/core';
import { startLoopbackServer, useDownloadFixture } from './helpers.js';
import { createDownloadEngine } from '../dist/download/session.js';

const TOTAL = 2 * 1024 * 1024;
/** Sent before the server stalls: more than one progress step (256 KiB), less than a write batch (1 MiB). */
const FIRST_PART = 300 * 1024;
const content = Buffer.alloc(TOTAL, 0).map((_, i) => (i * 7) % 251);

const ranges: string[] = [];
const stalled: ServerResponse[] = [];

const fixture = useDownloadFixture('rf-interrupt-part-', () =>
  startLoopbackServer((req, res) => {
    const headers = { ETag: '"v1"', 'Content-Type': 'application/octet-stream' };
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range) {
      ranges.push(req.headers.range ?? '');
      const start = Number(range[1]);
      res.writeHead(206, { ...headers, 'Content-Length': TOTAL - start, 'Content-Range': `bytes ${start}-${TOTAL - 1}/${TOTAL}` });
      res.end(content.subarray(start));
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': TOTAL });
    res.write(content.subarray(0, FIRST_PART));
    stalled.push(res);
  }),
);

it.each([0, 1])('an abort under the 1 MiB write batch keeps the bytes that arrived, once the engine is closed as on Ctrl-C (--processes %d); resume asks for the rest', async (processes) => {
  ranges.length = 0;
  const dir = path.join(fixture.work, `p${processes}`);
  const url = `${fixture.server.url}/partial.bin`;
  const target = path.join(dir, 'partial.bin');
  const request = { saveTo: target, saveWithin: dir, resume: true };
  const interrupted = createDownloadEngine({ jobs: 2, processes, retries: 0 });
  const controller = new AbortController();
  let reported = 0;
  // The executor reports body bytes every 256 KiB: once it has, those bytes are in the engine's hands.
  (interrupted.session.executor as unknown as ObservableExecutor).on('bytes', (_future, bytes) => {
    reported = bytes;
    if (bytes >= 256 * 1024) controller.abort();
  });
  try {
    const first = interrupted.session.request('GET', url, { ...request, signal: controller.signal });
    await expect(first.result()).rejects.toThrow();
  } finally {
    for (const res of stalled.splice(0)) res.destroy();
    // What runDownload does on SIGINT/SIGTERM before it prints the summary and exits.
    await interrupted.close({ abort: true });
  }
  expect(reported).toBeGreaterThanOrEqual(256 * 1024);
  const kept = (await stat(path.join(dir, '.partial.bin.part'))).size;
  expect(kept).toBeGreaterThanOrEqual(reported);
  expect(kept).toBeLessThanOrEqual(FIRST_PART);

  const resumed = createDownloadEngine({ jobs: 1, processes: 0, retries: 0 });
  try {
    const second = await resumed.session.request('GET', url, request).result();
    expect(second.statusCode).toBe(206);
  } finally {
    await resumed.close();
  }
  expect(ranges).toEqual([`bytes=${kept}-`]);
  expect((await readFile(target)).equals(content)).toBe(true);
});
