/**
 * saveTo's body path (issue 13): a body that ends within its first 64 KiB is
 * written whole (small-body.ts), a larger one streams through batches, hashed
 * as it arrives or on the hasher thread (body-hasher.ts, file-hasher.ts).
 * Either way the file holds the body's bytes, `sha256` is the file's, and a
 * transfer that breaks leaves nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ChunkedEncodingError } from '@requests-futures/core';
import { FileHashJob } from '../../dist/http/file-hasher.js';
import { SMALL_BODY_BYTES } from '../../dist/http/small-body.js';
import { useDownloadFixture } from './support/fixture.js';
import { bodyOf, sha256 } from './support/lying-server.js';

const fixture = useDownloadFixture('rf-body-path-');
const { send } = fixture;

/** Entries of the fixture's directory whose name mentions `name` (the target, its temporaries, its parts). */
async function filesNamed(name: string): Promise<string[]> {
  return (await readdir(fixture.dir)).filter((entry) => entry.includes(name));
}

/** Sends `body` in pieces of varied sizes, so the client sees chunks of all sizes. */
function servePieces(path: string, body: Buffer, headers: Record<string, string | number> = {}): string {
  return fixture.server.on(path, (_req, res) => {
    res.writeHead(200, headers);
    let offset = 0;
    let size = 1;
    const next = () => {
      while (offset < body.length) {
        const piece = body.subarray(offset, offset + size);
        offset += piece.length;
        size = (size * 7 + 13) % 200_000;
        if (!res.write(piece)) return void res.once('drain', next);
      }
      res.end();
    };
    next();
  });
}

describe('a small body (whole within 64 KiB)', () => {
  it.each([0, 1, 4096, SMALL_BODY_BYTES])('saves %i bytes with their sha256 and no temporary left', async (size) => {
    const body = bodyOf(size, size + 3);
    const name = `small-${size}.bin`;
    const target = join(fixture.dir, name);
    const r = await send(fixture.server.serve(`/${name}`, body), { saveTo: target });
    expect((await readFile(target)).equals(body)).toBe(true);
    expect(r.bytes).toBe(size);
    expect(r.sha256).toBe(sha256(body));
    expect(await filesNamed(name)).toEqual([name]);
  });

  it('saves a chunked body (no Content-Length) the same way', async () => {
    const body = bodyOf(20_000, 5);
    const target = join(fixture.dir, 'small-chunked.bin');
    const r = await send(servePieces('/small-chunked.bin', body), { saveTo: target });
    expect((await readFile(target)).equals(body)).toBe(true);
    expect(r.sha256).toBe(sha256(body));
  });

  it('with checksum: false saves the bytes and no sha256', async () => {
    const body = bodyOf(4096, 6);
    const target = join(fixture.dir, 'small-unhashed.bin');
    const r = await send(fixture.server.serve('/small-unhashed.bin', body), { saveTo: target, checksum: false });
    expect((await readFile(target)).equals(body)).toBe(true);
    expect(r.sha256).toBeUndefined();
  });

  it('makes the missing directories of its target', async () => {
    const body = bodyOf(100, 7);
    const target = join(fixture.dir, 'small-deep', 'a', 'b.bin');
    await send(fixture.server.serve('/small-deep.bin', body), { saveTo: target });
    expect((await readFile(target)).equals(body)).toBe(true);
  });
});

describe.each([
  ['on the parsing thread', '0'],
  ['on the hasher thread', '1'],
])('a large body (streamed, hashed %s)', (_where, hashThread) => {
  const before = process.env.RF_HASH_THREAD;
  beforeAll(() => {
    process.env.RF_HASH_THREAD = hashThread;
  });
  afterAll(() => {
    if (before === undefined) delete process.env.RF_HASH_THREAD;
    else process.env.RF_HASH_THREAD = before;
  });

  it.each([SMALL_BODY_BYTES + 1, 5 * 1024 * 1024 + 123])('saves %i bytes sent in pieces of all sizes, and sha256 is the file\'s', async (size) => {
    const body = bodyOf(size, 11);
    const name = `large-${hashThread}-${size}.bin`;
    const target = join(fixture.dir, name);
    const r = await send(servePieces(`/${name}`, body, { 'Content-Length': size }), { saveTo: target });
    const saved = await readFile(target);
    expect(saved.equals(body)).toBe(true);
    expect(r.bytes).toBe(size);
    expect(r.sha256).toBe(sha256(saved));
    expect(await filesNamed(name)).toEqual([name]);
  });

  it('hashes a gzip body as decompressed (zlib hands out views into shared buffers: they are copied, not moved)', async () => {
    const body = bodyOf(3 * 1024 * 1024, 12);
    const target = join(fixture.dir, `large-gzip-${hashThread}.bin`);
    const url = fixture.server.on(`/large-gzip-${hashThread}.bin`, (_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip' }).end(gzipSync(body));
    });
    const r = await send(url, { saveTo: target });
    expect((await readFile(target)).equals(body)).toBe(true);
    expect(r.sha256).toBe(sha256(body));
  });

  it("a resumed download's sha256 covers the part an earlier attempt left, and the rest", async () => {
    const body = bodyOf(3 * 1024 * 1024 + 7, 14);
    const name = `large-resumed-${hashThread}.bin`;
    const cut = 1024 * 1024 + 5;
    const url = fixture.server.on(`/${name}`, (req, res, attempt) => {
      if (attempt === 1) {
        res.writeHead(200, { 'Content-Length': body.length, ETag: '"v1"' });
        res.write(body.subarray(0, cut), () => res.destroy());
        return;
      }
      const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
      res.writeHead(206, { 'Content-Length': body.length - start, ETag: '"v1"', 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` });
      res.end(body.subarray(start));
    });
    const r = await send(url, { saveTo: join(fixture.dir, name), resume: true, retries: { limit: 1, backoffFactor: 0 } });
    expect(fixture.server.ranges.get(`/${name}`)).toEqual(['', `bytes=${cut}-`]);
    expect(r.resumedFrom).toBe(cut);
    expect((await readFile(join(fixture.dir, name))).equals(body)).toBe(true);
    expect(r.sha256).toBe(sha256(body));
  });

  it('with checksum: false saves the bytes and no sha256', async () => {
    const body = bodyOf(2 * 1024 * 1024, 13);
    const target = join(fixture.dir, `large-unhashed-${hashThread}.bin`);
    const r = await send(fixture.server.serve(`/large-unhashed-${hashThread}.bin`, body), { saveTo: target, checksum: false });
    expect((await readFile(target)).equals(body)).toBe(true);
    expect(r.sha256).toBeUndefined();
  });
});

describe('a transfer that breaks mid-body', () => {
  it.each([
    ['small', 4096, 1000],
    ['large', 8 * 1024 * 1024, 3 * 1024 * 1024],
  ])('(%s) fails with ChunkedEncodingError and leaves no temporary and no target', async (label, promised, sent) => {
    const name = `broken-${label}.bin`;
    const url = fixture.server.on(`/${name}`, (_req, res) => {
      res.writeHead(200, { 'Content-Length': promised });
      res.write(bodyOf(sent, 21), () => res.destroy());
    });
    await expect(send(url, { saveTo: join(fixture.dir, name) })).rejects.toThrow(ChunkedEncodingError);
    expect(await filesNamed(name)).toEqual([]);
  });
});

describe('FileHashJob', () => {
  it('gives the sha256 of its chunks in order; views into a shared buffer are copied, so the buffer stays usable', async () => {
    const shared = bodyOf(1024 * 1024, 31);
    const views = [shared.subarray(0, 1000), shared.subarray(1000, 500_000), shared.subarray(500_000)];
    const owned = [new Uint8Array(bodyOf(70_000, 32)), new Uint8Array(bodyOf(3, 33))];
    const expected = sha256(Buffer.concat([shared, ...owned]));
    const job = new FileHashJob();
    job.update(views);
    job.update(owned);
    await job.caughtUp(0);
    expect(await job.digest()).toBe(expected);
    expect(shared.byteLength).toBe(1024 * 1024);
    expect(sha256(shared)).toBe(sha256(bodyOf(1024 * 1024, 31)));
    // Owned chunks were moved to the worker, not copied.
    expect(owned[0]!.byteLength).toBe(0);
  });

  it('runs jobs side by side without mixing their bytes', async () => {
    const bodies = [bodyOf(300_000, 41), bodyOf(200_000, 42), bodyOf(1, 43)];
    const jobs = bodies.map(() => new FileHashJob());
    for (let offset = 0; offset < 300_000; offset += 65_536) {
      bodies.forEach((body, i) => {
        if (offset < body.length) jobs[i]!.update([new Uint8Array(body.subarray(offset, offset + 65_536))]);
      });
    }
    expect(await Promise.all(jobs.map((job) => job.digest()))).toEqual(bodies.map(sha256));
  });
});
