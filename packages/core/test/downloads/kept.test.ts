/**
 * resume: true on a target that already exists (issue 12, findings 1, 3, 10):
 * it is kept only when a one-byte Range probe says the resource has exactly
 * its size (and its digest is the expected one, when given); otherwise it is
 * downloaded again and replaced atomically. A symlink at the target is never
 * kept and never written through.
 */
import { describe, expect, it } from '@jest/globals';
import { lstat, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { executorCases } from '../session/executors.js';
import { useDownloadFixture, useSessionOn } from './support/fixture.js';
import { bodyOf, sha256 } from './support/lying-server.js';

const fixture = useDownloadFixture('rf-kept-');
const { send } = fixture;

const body = bodyOf(5000, 7);

describe('resume: true on an existing target', () => {
  it('keeps a complete file after a one-byte probe, describing the file on disk', async () => {
    const url = fixture.server.serve('/complete.bin', body);
    const target = join(fixture.dir, 'complete.bin');
    await writeFile(target, body);
    const before = await stat(target);
    const r = await send(url, { saveTo: target, resume: true });
    expect(r.kept).toBe(true);
    expect(r.statusCode).toBe(206);
    expect(r).toMatchObject({ savedTo: target, bytes: body.length, sha256: sha256(body) });
    expect(fixture.server.ranges.get('/complete.bin')).toEqual([`bytes=${body.length - 1}-`]);
    expect((await stat(target)).mtimeMs).toBe(before.mtimeMs);
  });

  it('with checksum: false keeps it unhashed; with expectedSha256 only when the digest matches', async () => {
    const url = fixture.server.serve('/digest.bin', body);
    const target = join(fixture.dir, 'digest.bin');
    await writeFile(target, body);
    const unhashed = await send(url, { saveTo: target, resume: true, checksum: false });
    expect(unhashed.kept).toBe(true);
    expect(unhashed.sha256).toBeUndefined();
    expect((await send(url, { saveTo: target, resume: true, expectedSha256: sha256(body) })).kept).toBe(true);

    // Same size, wrong bytes: only the digest can tell; it is downloaded again and replaced.
    const wrong = Buffer.from(body);
    wrong[10] ^= 0xff;
    await writeFile(target, wrong);
    const r = await send(url, { saveTo: target, resume: true, expectedSha256: sha256(body) });
    expect(r.kept).toBeUndefined();
    expect(r.statusCode).toBe(200);
    expect((await readFile(target)).equals(body)).toBe(true);
  });

  it('downloads again a file of another size (the probe states another total)', async () => {
    const url = fixture.server.serve('/short.bin', body);
    const target = join(fixture.dir, 'short.bin');
    await writeFile(target, body.subarray(0, 3000));
    const r = await send(url, { saveTo: target, resume: true });
    expect(r.kept).toBeUndefined();
    expect(r.bytes).toBe(body.length);
    expect((await readFile(target)).equals(body)).toBe(true);
  });

  it('downloads again when the server ignores Range (a 200 says nothing about the size)', async () => {
    const url = fixture.server.on('/no-ranges.bin', (_req, res) => res.writeHead(200, { 'Content-Length': body.length }).end(body));
    const target = join(fixture.dir, 'no-ranges.bin');
    await writeFile(target, body);
    const r = await send(url, { saveTo: target, resume: true });
    expect(r.kept).toBeUndefined();
    expect(r.sha256).toBe(sha256(body));
    expect(fixture.server.ranges.get('/no-ranges.bin')).toHaveLength(2);
  });

  it('is not fooled by a 206 that states the right range but sends far more than the one byte', async () => {
    const url = fixture.server.on('/chatty.bin', (req, res) => {
      if (req.headers.range) {
        res.writeHead(206, { 'Content-Range': `bytes ${body.length - 1}-${body.length - 1}/${body.length}` }).end(Buffer.alloc(100_000));
      } else res.writeHead(200, { 'Content-Length': body.length }).end(body);
    });
    const target = join(fixture.dir, 'chatty.bin');
    await writeFile(target, Buffer.alloc(body.length));
    const r = await send(url, { saveTo: target, resume: true });
    expect(r.kept).toBeUndefined();
    expect((await readFile(target)).equals(body)).toBe(true);
  });

  it('never keeps a symlink at the target: it is replaced by the download, its victim untouched', async () => {
    const url = fixture.server.serve('/linked.bin', body);
    const victim = join(fixture.dir, 'victim.bin');
    await writeFile(victim, body); // Right size and digest: only the link itself gives it away.
    const target = join(fixture.dir, 'linked.bin');
    await symlink(victim, target);
    const r = await send(url, { saveTo: target, resume: true, expectedSha256: sha256(body) });
    expect(r.kept).toBeUndefined();
    expect((await lstat(target)).isFile()).toBe(true);
    expect((await readFile(target)).equals(body)).toBe(true);
    const decoy = join(fixture.dir, 'decoy.bin');
    await writeFile(decoy, 'victim stays');
    await rm(target);
    await symlink(decoy, target);
    await send(url, { saveTo: target });
    expect(await readFile(decoy, 'utf8')).toBe('victim stays');
    expect((await lstat(target)).isSymbolicLink()).toBe(false);
  });
});

describe.each(executorCases)('kept through FuturesSession on $name', ({ make }) => {
  const pool = useSessionOn(make);

  it('response.kept arrives in the coordinator', async () => {
    const url = fixture.server.serve('/session-kept.bin', body);
    const target = join(fixture.dir, `session-kept-${pool.executor.constructor.name}.bin`);
    await writeFile(target, body);
    const r = await pool.session.get(url, { saveTo: target, resume: true });
    expect(r.kept).toBe(true);
    expect(r.sha256).toBe(sha256(body));
    expect(r.bytes).toBe(body.length);
  });
});
