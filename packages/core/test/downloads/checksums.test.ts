/**
 * expectedSha256 and checksum: false (issue 12, finding 10): a body whose
 * digest is not the one given is never saved under the target name, its part
 * is dropped (its bytes are wrong), and the error keeps its class from a
 * child process (as IncompleteDownload and UnsafePath do); the options are
 * validated with a TypeError naming them.
 */
import { describe, expect, it } from '@jest/globals';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChecksumMismatch, ConnectionError, IncompleteDownload, RequestException, UnsafePath } from '@requests-futures/core';
import { executorCases } from '../session/executors.js';
import { useDownloadFixture, useSessionOn } from './support/fixture.js';
import { bodyOf, sha256 } from './support/lying-server.js';

const fixture = useDownloadFixture('rf-checksums-');
const { send } = fixture;

const body = bodyOf(10_000);
const WRONG = 'ab'.repeat(32);

describe('expectedSha256 with saveTo', () => {
  it('saves a body whose digest matches, in any case of hex', async () => {
    const url = fixture.server.serve('/match.bin', body);
    const target = join(fixture.dir, 'match.bin');
    const r = await send(url, { saveTo: target, expectedSha256: sha256(body) });
    expect(r.sha256).toBe(sha256(body));
    expect((await readFile(target)).equals(body)).toBe(true);
  });

  it('fails with ChecksumMismatch and leaves nothing under the target name', async () => {
    const url = fixture.server.serve('/mismatch.bin', body);
    const target = join(fixture.dir, 'mismatch.bin');
    const failure = send(url, { saveTo: target, expectedSha256: WRONG });
    await expect(failure).rejects.toThrow(ChecksumMismatch);
    await expect(failure).rejects.toThrow(sha256(body));
    expect((await readdir(fixture.dir)).filter((name) => name.includes('mismatch'))).toEqual([]);
  });

  it('with resume, a mismatching body leaves no part and no record (its bytes are wrong)', async () => {
    const url = fixture.server.serve('/mismatch-resume.bin', body);
    const failure = send(url, { saveTo: join(fixture.dir, 'mismatch-resume.bin'), resume: true, expectedSha256: WRONG });
    await expect(failure).rejects.toThrow(ChecksumMismatch);
    expect((await readdir(fixture.dir)).filter((name) => name.includes('mismatch-resume'))).toEqual([]);
  });

  it('checks the content of an ok response without saveTo, and leaves a 404 alone', async () => {
    const url = fixture.server.serve('/in-memory.bin', body);
    expect((await send(url, { expectedSha256: sha256(body) })).content.length).toBe(body.length);
    await expect(send(url, { expectedSha256: WRONG })).rejects.toThrow(ChecksumMismatch);
    expect((await send(`${fixture.server.url}/nowhere`, { expectedSha256: WRONG })).statusCode).toBe(404);
  });
});

describe('checksum: false', () => {
  it('saves without hashing: sha256 is undefined', async () => {
    const url = fixture.server.serve('/unhashed.bin', body);
    const target = join(fixture.dir, 'unhashed.bin');
    const r = await send(url, { saveTo: target, checksum: false });
    expect(r.sha256).toBeUndefined();
    expect(r.bytes).toBe(body.length);
    expect((await readFile(target)).equals(body)).toBe(true);
  });
});

describe.each(executorCases)('download options through FuturesSession on $name', ({ make }) => {
  const pool = useSessionOn(make);

  it('ChecksumMismatch keeps its class and the target stays absent', async () => {
    const url = fixture.server.serve('/session-mismatch.bin', body);
    const target = join(fixture.dir, `session-mismatch-${pool.executor.constructor.name}.bin`);
    const error = await pool.session.get(url, { saveTo: target, expectedSha256: WRONG.toUpperCase() }).exception();
    expect(error).toBeInstanceOf(ChecksumMismatch);
    expect(error).toBeInstanceOf(RequestException);
    expect((error as ChecksumMismatch).code).toBe('ERR_CHECKSUM_MISMATCH');
    expect((await readdir(fixture.dir)).filter((name) => name.includes('session-mismatch'))).toEqual([]);
  });

  it('UnsafePath and IncompleteDownload keep their class too', async () => {
    const url = fixture.server.on('/session-short.bin', (_req, res) => {
      res.writeHead(206, { 'Content-Length': 100, 'Content-Range': `bytes 0-99/${body.length}` }).end(body.subarray(0, 100));
    });
    const name = pool.executor.constructor.name;
    const incomplete = await pool.session.get(url, { saveTo: join(fixture.dir, `short-${name}.bin`) }).exception();
    expect(incomplete).toBeInstanceOf(IncompleteDownload);
    expect(incomplete).toBeInstanceOf(ConnectionError);
    const outside = await pool.session.get(url, { saveTo: join(fixture.dir, '..', `escape-${name}.bin`), saveWithin: fixture.dir }).exception();
    expect(outside).toBeInstanceOf(UnsafePath);
    expect((outside as UnsafePath).message).toContain('is not inside saveWithin');
  });

  it('accepts an upper-case digest and checksum: false', async () => {
    const url = fixture.server.serve('/session-ok.bin', body);
    const name = `session-ok-${pool.executor.constructor.name}`;
    const r = await pool.session.get(url, { saveTo: join(fixture.dir, `${name}.bin`), expectedSha256: sha256(body).toUpperCase() });
    expect(r.sha256).toBe(sha256(body));
    const unhashed = await pool.session.get(url, { saveTo: join(fixture.dir, `${name}-2.bin`), checksum: false });
    expect(unhashed.sha256).toBeUndefined();
  });

  it.each([
    [{ expectedSha256: 'abc' }, /expectedSha256.*64 hex digits/],
    [{ expectedSha256: 12 }, /expectedSha256.*got number/],
    [{ checksum: 'no' }, /checksum.*boolean/],
    [{ saveWithin: '' }, /saveWithin.*directory path/],
    [{ saveTo: '/tmp/x', expectedSha256: 'a'.repeat(64), checksum: false }, /expectedSha256.*checksum: false/],
    [{ saveWithin: '/tmp' }, /saveWithin.*needs 'saveTo'/],
  ])('refuses %j with a TypeError naming the option', (options, message) => {
    expect(() => pool.session.get(`${fixture.server.url}/never`, options as never)).toThrow(TypeError);
    expect(() => pool.session.get(`${fixture.server.url}/never`, options as never)).toThrow(message);
    expect(fixture.server.ranges.get('/never')).toBeUndefined();
  });
});
