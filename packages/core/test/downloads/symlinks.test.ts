/**
 * Symlinks and hard links in the output folder are never written through
 * (issue 12, finding 3), saveWithin is enforced on the real filesystem, and
 * directories are made only for a 2xx body and removed when its download
 * fails (finding 7).
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { link, lstat, mkdir, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ChunkedEncodingError, UnsafePath } from '@requests-futures/core';
import { useDownloadFixture } from './support/fixture.js';
import { bodyOf, sha256 } from './support/lying-server.js';

const execFileAsync = promisify(execFile);
const fixture = useDownloadFixture('rf-links-');
const { send } = fixture;
let out: string;
let outside: string;
beforeEach(async () => {
  out = join(fixture.dir, 'out');
  outside = join(fixture.dir, 'outside');
  await Promise.all([rm(out, { recursive: true, force: true }), rm(outside, { recursive: true, force: true })]);
  await Promise.all([mkdir(out), mkdir(outside)]);
});

const body = bodyOf(3000, 9);
const VICTIM_TEXT = 'precious, not a download';

async function victim(name = 'victim.txt'): Promise<string> {
  const path = join(outside, name);
  await writeFile(path, VICTIM_TEXT);
  return path;
}

describe('links planted at the engine\'s names', () => {
  it.each([
    ['a symlink at the part file', (v: string, p: string) => symlink(v, p)],
    ['a hard link at the part file', (v: string, p: string) => link(v, p)],
  ])('%s (resume) is not written through', async (_label, plant) => {
    const url = fixture.server.serve('/a.bin', body, '"a"');
    const v = await victim();
    await plant(v, join(out, '.a.bin.part'));
    await writeFile(join(out, '.a.bin.part.json'), JSON.stringify({ validator: '"a"', url }));
    const r = await send(url, { saveTo: join(out, 'a.bin'), resume: true });
    expect(r.sha256).toBe(sha256(body));
    expect(await readFile(v, 'utf8')).toBe(VICTIM_TEXT);
    expect((await readFile(join(out, 'a.bin'))).equals(body)).toBe(true);
  });

  it('a symlink at the part record is not written through', async () => {
    // Past the first 64 KiB, so that the body goes to a part and its record is written (a shorter one never has either).
    const long = bodyOf(200 * 1024, 9);
    const url = fixture.server.on('/rec.bin', (_req, res) => {
      res.writeHead(200, { ETag: '"r"', 'Content-Length': long.length });
      res.write(long.subarray(0, 100 * 1024), () => res.socket?.destroy());
    });
    const v = await victim();
    await symlink(v, join(out, '.rec.bin.part.json'));
    await expect(send(url, { saveTo: join(out, 'rec.bin'), resume: true })).rejects.toThrow(ChunkedEncodingError);
    expect(await readFile(v, 'utf8')).toBe(VICTIM_TEXT);
    expect((await lstat(join(out, '.rec.bin.part.json'))).isFile()).toBe(true);
  });
});

describe('FIFOs planted at the engine\'s names', () => {
  // Opening a FIFO to read it waits for a writer: without O_NONBLOCK the request, and the process (a libuv thread stays blocked), never ended.
  it.each([
    ['.f.bin.part.json', true],
    ['.f.bin.part.lock', true],
    ['.f.bin.part', false],
    ['f.bin', false],
  ])('a FIFO at %s (resume; a part beside it: %s) neither blocks nor is kept: the file is downloaded whole', async (name, withPart) => {
    const url = fixture.server.serve('/f.bin', body, '"f"');
    // With a part the record is awaited (without one, the part's lstat settles first and only a libuv thread stays blocked).
    if (withPart) await writeFile(join(out, '.f.bin.part'), body.subarray(0, 100));
    await execFileAsync('mkfifo', [join(out, name)]);
    const r = await send(url, { saveTo: join(out, 'f.bin'), resume: true });
    expect(r.sha256).toBe(sha256(body));
    expect(r.kept).not.toBe(true);
    expect((await readFile(join(out, 'f.bin'))).equals(body)).toBe(true);
    expect(await readdir(out)).toEqual(['f.bin']);
  });
});

describe('saveWithin', () => {
  it('creates missing directories inside it and saves', async () => {
    const url = fixture.server.serve('/deep.bin', body);
    const r = await send(url, { saveTo: join(out, 'host', 'sub', 'deep.bin'), saveWithin: out });
    expect(r.savedTo).toBe(join(out, 'host', 'sub', 'deep.bin'));
    expect((await readFile(join(out, 'host', 'sub', 'deep.bin'))).equals(body)).toBe(true);
  });

  it('saveWithin "/" holds every file (the opened file is checked against the root itself, not "//")', async () => {
    const url = fixture.server.serve('/rooted.bin', bodyOf(300_000, 4));
    const small = await send(fixture.server.serve('/rooted-small.bin', body), { saveTo: join(out, 'rooted-small.bin'), saveWithin: '/' });
    const streamed = await send(url, { saveTo: join(out, 'rooted.bin'), saveWithin: '/' });
    expect([small.sha256, streamed.sha256]).toEqual([sha256(body), sha256(bodyOf(300_000, 4))]);
  });

  it('refuses a directory that is a symlink to outside, with or without resume, and writes nothing there', async () => {
    const url = fixture.server.serve('/escape.bin', body);
    await symlink(outside, join(out, 'host'));
    for (const resume of [false, true]) {
      const failure = send(url, { saveTo: join(out, 'host', 'escape.bin'), saveWithin: out, resume });
      await expect(failure).rejects.toThrow(UnsafePath);
      await expect(failure).rejects.toThrow(`${join(out, 'host')} is a symlink`);
    }
    expect(await readdir(outside)).toEqual([]);
  });

  it('with resume, a file found through a symlinked directory is never kept: UnsafePath before anything is sent', async () => {
    const url = fixture.server.serve('/victim-kept.bin', body);
    await writeFile(join(outside, 'victim-kept.bin'), body);
    await symlink(outside, join(out, 'host'));
    const failure = send(url, { saveTo: join(out, 'host', 'victim-kept.bin'), saveWithin: out, resume: true });
    await expect(failure).rejects.toThrow(UnsafePath);
    expect(fixture.server.ranges.get('/victim-kept.bin')).toBeUndefined();
    expect(await readdir(outside)).toEqual(['victim-kept.bin']);
  });

  it('refuses a target outside it by path, and a file where a directory is needed', async () => {
    const url = fixture.server.serve('/outside.bin', body);
    await expect(send(url, { saveTo: join(out, '..', 'outside', 'x.bin'), saveWithin: out })).rejects.toThrow('is not inside saveWithin');
    await writeFile(join(out, 'file'), 'x');
    await expect(send(url, { saveTo: join(out, 'file', 'x.bin'), saveWithin: out })).rejects.toThrow(`${join(out, 'file')} is not a directory`);
    expect(await readdir(outside)).toEqual([]);
  });
});

describe('a directory swapped for a symlink during the run', () => {
  // The directory is moved outside and a symlink to it takes its place: the path now leads to the very inode
  // an earlier download checked, so only a check of every level for every file (no remembered walk) refuses it.
  it.each([
    ['the target\'s own directory', ['host'], 'host'],
    ['a parent of the target\'s directory', ['host', 'sub'], 'host'],
  ])('%s: the next small body is refused (UnsafePath) and nothing lands outside', async (_label, levels, swapped) => {
    const url = fixture.server.serve('/swap.bin', body);
    const first = await send(url, { saveTo: join(out, ...levels, 'first.bin'), saveWithin: out });
    expect(first.sha256).toBe(sha256(body));
    await rename(join(out, swapped), join(outside, swapped));
    await symlink(join(outside, swapped), join(out, swapped));
    const failure = send(url, { saveTo: join(out, ...levels, 'second.bin'), saveWithin: out });
    await expect(failure).rejects.toThrow(UnsafePath);
    await expect(failure).rejects.toThrow(`${join(out, swapped)} is a symlink`);
    expect((await readdir(join(outside, ...levels))).sort()).toEqual(['first.bin']);
  });
});

describe('a directory swapped for a symlink while the server answers', () => {
  // The directory is walked before the request is sent; the server decides when the answer comes, and meanwhile
  // the target's directory is moved aside (inside DIR) and a symlink to a directory outside takes its place.
  it.each([
    ['a small body', 3000, false],
    ['a streamed body', 300_000, false],
    ['a resumable body', 3000, true],
  ])('%s is refused (UnsafePath) and nothing lands outside', async (_label, size, resume) => {
    const swapBody = bodyOf(size, 21);
    let arrived!: () => void;
    const requested = new Promise<void>((resolve) => (arrived = resolve));
    let answer!: () => void;
    const swapped = new Promise<void>((resolve) => (answer = resolve));
    const url = fixture.server.on(`/race-${size}-${resume}.bin`, (_req, res) => {
      arrived();
      void swapped.then(() => res.writeHead(200, { ETag: '"race"', 'Content-Length': swapBody.length }).end(swapBody));
    });
    await mkdir(join(out, 'host'));
    const download = send(url, { saveTo: join(out, 'host', 'race.bin'), saveWithin: out, resume });
    await requested;
    await rename(join(out, 'host'), join(out, 'moved'));
    await symlink(outside, join(out, 'host'));
    answer();
    await expect(download).rejects.toThrow(UnsafePath);
    expect(await readdir(outside)).toEqual([]);
  });
});

describe('saveWithin, two levels deep', () => {
  it('refuses a file where the last directory is needed, and a symlink there even when it points inside', async () => {
    const url = fixture.server.serve('/deep-checks.bin', body);
    await mkdir(join(out, 'a', 'real'), { recursive: true });
    await writeFile(join(out, 'a', 'file'), 'x');
    await symlink(join(out, 'a', 'real'), join(out, 'a', 'link'));
    await expect(send(url, { saveTo: join(out, 'a', 'file', 'x.bin'), saveWithin: out })).rejects.toThrow(`${join(out, 'a', 'file')} is not a directory`);
    await expect(send(url, { saveTo: join(out, 'a', 'link', 'x.bin'), saveWithin: out })).rejects.toThrow(`${join(out, 'a', 'link')} is a symlink`);
    const saved = await send(url, { saveTo: join(out, 'a', 'real', 'x.bin'), saveWithin: out });
    expect(saved.sha256).toBe(sha256(body));
    expect(await readdir(join(out, 'a', 'real'))).toEqual(['x.bin']);
  });
});

describe('directories for failed downloads', () => {
  it('a 404 creates no directory', async () => {
    const r = await send(`${fixture.server.url}/missing.bin`, { saveTo: join(out, 'host', 'missing.bin'), saveWithin: out });
    expect(r.statusCode).toBe(404);
    expect(await readdir(out)).toEqual([]);
  });

  it.each([[true], [false]])('a broken transfer removes the directories it created (saveWithin: %s), not ones that existed', async (within) => {
    const url = fixture.server.on('/broken.bin', (_req, res) => {
      res.writeHead(200, { 'Content-Length': body.length });
      res.write(body.subarray(0, 100), () => res.socket?.destroy());
    });
    await mkdir(join(out, 'existing'));
    const options = within ? { saveWithin: out } : {};
    await expect(send(url, { saveTo: join(out, 'existing', 'a', 'b', 'x.bin'), ...options })).rejects.toThrow(ChunkedEncodingError);
    expect(await readdir(out)).toEqual(['existing']);
    expect(await readdir(join(out, 'existing'))).toEqual([]);
  });
});
