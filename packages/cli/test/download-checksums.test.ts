/**
 * Digests users give: `URL<TAB>path<TAB>sha256=<hex>` lines and `--checksums
 * FILE` (sha256sum format, paths relative to DIR as in the manifest). A
 * mismatch fails the entry with ChecksumMismatch and leaves no file under the
 * final name; --resume keeps a file only when its digest matches too;
 * --no-checksum hashes nothing and says so.
 */
import { describe, expect, it } from '@jest/globals';
import { open, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../dist/program.js';
import { captureIo, startContentServer, useDownloadFixture } from './helpers.js';
import { expectManifestMatchesDisk, readManifest } from './manifest-check.js';

const WRONG = 'f'.repeat(64);

describe('rf download: checksums', () => {
  const fixture = useDownloadFixture('rf-checksums-', () => startContentServer());

  it('a list line\'s sha256= is checked: a mismatch fails ChecksumMismatch and leaves no file; a malformed one is a bad line', async () => {
    const out = path.join(fixture.work, 'lines');
    const manifest = path.join(fixture.work, 'lines.jsonl');
    const { io, output } = captureIo(
      [
        `${fixture.server.url}/a\ta.bin\tsha256=${fixture.server.sha256('/a').toUpperCase()}`,
        `${fixture.server.url}/b\tb.bin\tsha256=${WRONG}`,
        `${fixture.server.url}/c.bin\t\tsha256=${fixture.server.sha256('/c.bin')}`,
        `${fixture.server.url}/d\td.bin\tsha256=xyz`,
        `${fixture.server.url}/e\te.bin\tsha256=${fixture.server.sha256('/e')}\textra`,
      ].join('\n'),
    );

    const code = await runCli(['download', '-', '-o', out, '--retries', '0', '--manifest', manifest], { io });

    expect(code).toBe(1);
    const { stdout, stderr } = output();
    expect(stdout).toMatch(/Summary: 2 ok, 1 failed, 2 list line\(s\) skipped/);
    expect(stdout).toMatch(/line 2: .*\/b {2}ChecksumMismatch: /);
    expect(stderr).toMatch(/line 4: sha256="xyz" is not 64 hex digits/);
    expect(stderr).toMatch(/line 5: more than three TAB-separated fields/);
    const entries = await readManifest(manifest);
    await expectManifestMatchesDisk(entries, out);
    expect(entries.find((e) => e.line === 1)).toMatchObject({ ok: true, path: 'a.bin', sha256: fixture.server.sha256('/a') });
    expect(entries.find((e) => e.line === 3)).toMatchObject({ ok: true, path: `${new URL(fixture.server.url).host.replace(':', '_')}/c.bin` });
    expect(entries.find((e) => e.line === 2)).toMatchObject({ ok: false, path: 'b.bin', error: expect.stringMatching(/^ChecksumMismatch: /) });
    // Nothing under b.bin, and no part or temporary of it either.
    expect((await readdir(out)).filter((name) => name.includes('b.bin'))).toEqual([]);
  });

  it('--checksums FILE (sha256sum format) is matched by output path relative to DIR', async () => {
    const out = path.join(fixture.work, 'file');
    const sums = path.join(fixture.work, 'SHA256SUMS');
    await writeFile(sums, [`${fixture.server.sha256('/a')}  a.bin`, `${fixture.server.sha256('/b').toUpperCase()} *./sub/b.bin`, `${WRONG}  c.bin`, ''].join('\n'));
    const manifest = path.join(fixture.work, 'file.jsonl');
    const { io, output } = captureIo([`${fixture.server.url}/a\ta.bin`, `${fixture.server.url}/b\tsub/b.bin`, `${fixture.server.url}/c\tc.bin`, `${fixture.server.url}/d\td.bin`].join('\n'));

    const code = await runCli(['download', '-', '-o', out, '--retries', '0', '--checksums', sums, '--manifest', manifest], { io });

    expect(code).toBe(1);
    expect(output().stdout).toMatch(/Summary: 3 ok, 1 failed/);
    const entries = await readManifest(manifest);
    await expectManifestMatchesDisk(entries, out);
    expect(entries.filter((e) => !e.ok).map((e) => [e.path, e.error?.split(':')[0]])).toEqual([['c.bin', 'ChecksumMismatch']]);
    expect(await readdir(out)).not.toContain('c.bin');
  });

  it('a malformed --checksums file, or --checksums with --no-checksum, is a usage error (exit 2) before anything is fetched', async () => {
    const sums = path.join(fixture.work, 'BAD');
    await writeFile(sums, `${fixture.server.sha256('/a')}  a.bin\nnot a checksum line\n`);
    const before = fixture.server.requests.length;
    const bad = captureIo(`${fixture.server.url}/a\n`);
    expect(await runCli(['download', '-', '-o', path.join(fixture.work, 'bad'), '--checksums', sums], { io: bad.io })).toBe(2);
    expect(bad.output().stderr).toMatch(/--checksums .*BAD, line 2: expected "<64 hex digits>  path"/);
    const both = captureIo(`${fixture.server.url}/a\n`);
    expect(await runCli(['download', '-', '-o', path.join(fixture.work, 'bad'), '--checksums', sums, '--no-checksum'], { io: both.io })).toBe(2);
    expect(both.output().stderr).toMatch(/--checksums and --no-checksum/);
    expect(fixture.server.requests.length).toBe(before);
  });

  it('--no-checksum: the manifest\'s sha256 is null and the summary says checksums were off', async () => {
    const out = path.join(fixture.work, 'off');
    const manifest = path.join(fixture.work, 'off.jsonl');
    const { io, output } = captureIo(`${fixture.server.url}/a\ta.bin\n`);

    expect(await runCli(['download', '-', '-o', out, '--no-checksum', '--manifest', manifest], { io })).toBe(0);

    expect(output().stdout).toMatch(/Checksums were off \(--no-checksum\)/);
    const entries = await readManifest(manifest);
    expect(entries).toEqual([expect.objectContaining({ ok: true, sha256: null, bytes: fixture.server.content('/a').length })]);
    expect((await readFile(path.join(out, 'a.bin'))).equals(fixture.server.content('/a'))).toBe(true);

    // A digest given in the list cannot be checked without hashing: that line is refused, not trusted.
    const refused = captureIo(`${fixture.server.url}/b\tb.bin\tsha256=${fixture.server.sha256('/b')}\n`);
    expect(await runCli(['download', '-', '-o', out, '--no-checksum'], { io: refused.io })).toBe(1);
    expect(refused.output().stderr).toMatch(/line 1: it gives a sha256, which --no-checksum cannot check/);
  });

  it('--resume keeps a file only when its digest matches the one given: a same-size corrupted file is fetched again', async () => {
    const out = path.join(fixture.work, 'resume');
    const list = `${fixture.server.url}/a\ta.bin\tsha256=${fixture.server.sha256('/a')}\n${fixture.server.url}/b\tb.bin\tsha256=${fixture.server.sha256('/b')}\n`;
    expect(await runCli(['download', '-', '-o', out, '--resume'], { io: captureIo(list).io })).toBe(0);
    const corrupted = await open(path.join(out, 'a.bin'), 'r+');
    await corrupted.write(Buffer.from('XXXX'), 0, 4, 100);
    await corrupted.close();
    const manifest = path.join(fixture.work, 'resume.jsonl');

    expect(await runCli(['download', '-', '-o', out, '--resume', '--manifest', manifest], { io: captureIo(list).io })).toBe(0);

    const entries = await readManifest(manifest);
    expect(entries.map((e) => [e.path, e.kept === true]).sort()).toEqual([['a.bin', false], ['b.bin', true]]);
    await expectManifestMatchesDisk(entries, out);
    expect((await readFile(path.join(out, 'a.bin'))).equals(fixture.server.content('/a'))).toBe(true);
  });
});
