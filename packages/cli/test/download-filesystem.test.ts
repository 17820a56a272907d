/**
 * rf download against an output directory that fights back: one bad entry
 * (a file where a directory is needed, a path too long, a symlinked
 * subdirectory, a directory where the file should go) fails alone with a typed
 * reason and the run goes on; no directory is made for a URL that fails;
 * --resume never keeps a symlink or a file of the wrong size.
 */
import { describe, expect, it } from '@jest/globals';
import { chmod, chown, lstat, mkdir, mkdtemp, readFile, readdir, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../dist/program.js';
import { pathFromUrl } from '../dist/download/paths.js';
import { captureIo, startContentServer, startRf, useDownloadFixture } from './helpers.js';
import { expectManifestMatchesDisk, readManifest } from './manifest-check.js';

describe('rf download: per-entry file system problems', () => {
  const fixture = useDownloadFixture('rf-filesystem-', () =>
    startContentServer({
      handle: (urlPath, _req, res) => {
        if (!urlPath.startsWith('/missing')) return false;
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not here');
        return true;
      },
    }),
  );

  it('a file where a directory is needed fails that entry (line, typed reason); a path too long is shortened; the rest download', async () => {
    const out = path.join(fixture.work, 'mixed');
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, 'x'), 'a file, not a directory');
    const manifest = path.join(fixture.work, 'mixed.jsonl');
    const deepPath = Array.from({ length: 30 }, (_, i) => `segment-${i}-${'d'.repeat(190)}`).join('/');
    const lines = [
      `${fixture.server.url}/one.bin\tx/y.bin`,
      `${fixture.server.url}/${deepPath}/deep.bin`,
      `${fixture.server.url}/good.bin\tgood.bin`,
      `${fixture.server.url}/${'é'.repeat(200)}.bin`,
    ];
    const { io, output } = captureIo(lines.join('\n'));

    const code = await runCli(['download', '-', '-o', out, '-j', '4', '--retries', '0', '--manifest', manifest], { io });

    const { stdout } = output();
    expect(stdout).toMatch(/Summary: 3 ok, 1 failed/);
    expect(stdout).toMatch(/line 1: .*\/one\.bin {2}(NotADirectory|UnsafePath): /);
    expect(code).toBe(1);
    const entries = await readManifest(manifest);
    expect(entries.map((e) => [e.line, e.ok]).sort()).toEqual([[1, false], [2, true], [3, true], [4, true]]);
    expect(entries.find((e) => e.line === 1)?.error).toMatch(/^(NotADirectory|UnsafePath): /);
    await expectManifestMatchesDisk(entries, out);
    expect(entries.find((e) => e.line === 2)?.sha256).toBe(fixture.server.sha256(`/${deepPath}/deep.bin`));
    expect(await readFile(path.join(out, 'x'), 'utf8')).toBe('a file, not a directory');
  });

  it.each([[[] as string[]], [['--processes', '1']]])('a name the file system refuses as too long (DIR near PATH_MAX) fails that entry NameTooLong; the short one downloads (%j)', async (extra) => {
    // DIR is about 3,950 bytes long: a 200-byte name (and its temporary) cannot fit under 4,096.
    const out = path.join(fixture.work, ...Array.from({ length: 19 }, (_, i) => `${i}`.padEnd(200, 'L')), 'M'.repeat(100));
    await mkdir(out, { recursive: true });
    const manifest = path.join(fixture.work, `too-long-${extra.length}.jsonl`);
    const { io, output } = captureIo([`${fixture.server.url}/long\t${'n'.repeat(200)}.bin`, `${fixture.server.url}/short\tshort.bin`].join('\n'));

    const code = await runCli(['download', '-', '-o', out, '--retries', '0', '--manifest', manifest, ...extra], { io });

    expect(output().stdout).toMatch(/Summary: 1 ok, 1 failed/);
    expect(code).toBe(1);
    const entries = await readManifest(manifest);
    expect(entries.find((e) => e.line === 1)).toMatchObject({ ok: false, error: expect.stringMatching(/^NameTooLong: /) });
    expect(entries.find((e) => e.line === 2)).toMatchObject({ ok: true, sha256: fixture.server.sha256('/short') });
  });

  it('a directory the user may not write fails its entries PermissionDenied; the rest download', async () => {
    // root passes every permission check: as root, rf runs as nobody (65534) over files it owns.
    const asRoot = process.getuid?.() === 0;
    const owner = asRoot ? { uid: 65534, gid: 65534 } : undefined;
    const base = await mkdtemp(path.join(os.tmpdir(), 'rf-eacces-'));
    await chmod(base, 0o755);
    const out = path.join(base, 'out');
    const locked = path.join(out, 'locked');
    await mkdir(locked, { recursive: true });
    const list = path.join(base, 'list.txt');
    await writeFile(list, [`${fixture.server.url}/p\tlocked/p.bin`, `${fixture.server.url}/q\tq.bin`].join('\n'));
    if (owner) for (const dir of [out, locked]) await chown(dir, owner.uid, owner.gid);
    await chmod(locked, 0o500);
    const manifest = path.join(out, 'manifest.jsonl');
    try {
      const rf = startRf(['download', list, '-o', out, '--retries', '0', '--manifest', manifest], owner);
      const [code] = await rf.closed;

      expect(rf.output().stdout).toMatch(/Summary: 1 ok, 1 failed/);
      expect(code).toBe(1);
      const entries = await readManifest(manifest);
      expect(entries.find((e) => e.line === 1)).toMatchObject({ ok: false, error: expect.stringMatching(/^PermissionDenied: /) });
      expect(entries.find((e) => e.line === 2)).toMatchObject({ ok: true, sha256: fixture.server.sha256('/q') });
      expect(await readdir(locked)).toEqual([]);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  it('a list that cannot be read stops the run, but the summary and the manifest still come out', async () => {
    const listIsADirectory = path.join(fixture.work, 'a-directory');
    await mkdir(listIsADirectory, { recursive: true });
    const manifest = path.join(fixture.work, 'fatal.jsonl');
    const { io, output } = captureIo();

    const code = await runCli(['download', listIsADirectory, '-o', path.join(fixture.work, 'fatal'), '--manifest', manifest], { io });

    expect(code).toBe(1);
    expect(output().stdout).toMatch(/Summary: 0 ok, 0 failed/);
    expect(output().stdout).toContain(`Manifest: ${manifest}`);
    expect(output().stderr).toMatch(/rf: the run stopped early: .*EISDIR/);
    expect(await readManifest(manifest)).toEqual([]);
  });

  it.each([[false], [true]])('a directory where the file should go fails that entry NotADirectory (EISDIR) and stays as it was; no temporary is left (--resume: %s)', async (resume) => {
    const out = path.join(fixture.work, `directory-at-target-${resume}`);
    await mkdir(path.join(out, 'taken.bin', 'inner'), { recursive: true });
    const manifest = path.join(fixture.work, `directory-at-target-${resume}.jsonl`);
    const { io } = captureIo([`${fixture.server.url}/taken.bin\ttaken.bin`, `${fixture.server.url}/free.bin\tfree.bin`].join('\n'));

    const code = await runCli(['download', '-', '-o', out, '--retries', '0', '--manifest', manifest, ...(resume ? ['--resume'] : [])], { io });

    expect(code).toBe(1);
    const entries = await readManifest(manifest);
    expect(entries.find((e) => e.line === 1)).toMatchObject({ ok: false, bytes: null, error: expect.stringMatching(/^NotADirectory: .*EISDIR/) });
    expect(entries.find((e) => e.line === 2)).toMatchObject({ ok: true, sha256: fixture.server.sha256('/free.bin') });
    expect(await readdir(path.join(out, 'taken.bin'))).toEqual(['inner']);
    // A body within the engine's one-go size (64 KiB) writes no part, with --resume too: nothing is left beside it.
    expect((await readdir(out)).sort()).toEqual(['free.bin', 'taken.bin']);
  });

  it('creates no directory for a URL that fails', async () => {
    const out = path.join(fixture.work, 'no-empty-dirs');
    const { io } = captureIo([`${fixture.server.url}/missing/a\tsub/deeper/a.bin`, `${fixture.server.url}/missing/b`].join('\n'));

    expect(await runCli(['download', '-', '-o', out, '--retries', '0'], { io })).toBe(1);

    expect(await readdir(out)).toEqual([]);
  });

  it('a subdirectory of DIR that is a symlink to a directory outside receives nothing (UnsafePath), with or without --resume', async () => {
    const outside = path.join(fixture.work, 'outside');
    await mkdir(outside, { recursive: true });
    for (const resume of [false, true]) {
      const out = path.join(fixture.work, `symlinked-dir-${resume}`);
      await mkdir(out, { recursive: true });
      await symlink(outside, path.join(out, 'link'));
      const manifest = path.join(fixture.work, `symlinked-dir-${resume}.jsonl`);
      const { io } = captureIo([`${fixture.server.url}/victim.bin\tlink/victim.bin`, `${fixture.server.url}/fine.bin\tfine.bin`].join('\n'));

      const code = await runCli(['download', '-', '-o', out, '--retries', '0', '--manifest', manifest, ...(resume ? ['--resume'] : [])], { io });

      expect(code).toBe(1);
      expect(await readdir(outside)).toEqual([]);
      const entries = await readManifest(manifest);
      expect(entries.find((e) => e.line === 1)).toMatchObject({ ok: false, error: expect.stringMatching(/^UnsafePath: /) });
      expect(entries.find((e) => e.line === 2)).toMatchObject({ ok: true });
    }
  });

  it('--resume never keeps a symlink at the target (the link is replaced, its victim untouched) nor a file of the wrong size', async () => {
    const out = path.join(fixture.work, 'resume-targets');
    const urls = [`${fixture.server.url}/linked.bin`, `${fixture.server.url}/short.bin`, `${fixture.server.url}/whole.bin`];
    const first = captureIo(urls.join('\n'));
    expect(await runCli(['download', '-', '-o', out, '--resume'], { io: first.io })).toBe(0);
    const [linked, short, whole] = urls.map((url) => path.join(out, ...pathFromUrl(url).split('/')));
    // A victim outside DIR with exactly the size the server states for linked.bin.
    const victim = path.join(fixture.work, 'victim-file');
    const victimBytes = Buffer.alloc(fixture.server.content('/linked.bin').length, 0x41);
    await writeFile(victim, victimBytes);
    await rm(linked);
    await symlink(victim, linked);
    await truncate(short, 100);
    const manifest = path.join(fixture.work, 'resume-targets.jsonl');

    const second = captureIo(urls.join('\n'));
    expect(await runCli(['download', '-', '-o', out, '--resume', '--manifest', manifest], { io: second.io })).toBe(0);

    const entries = await readManifest(manifest);
    expect(entries.map((e) => [e.line, e.kept === true]).sort()).toEqual([[1, false], [2, false], [3, true]]);
    await expectManifestMatchesDisk(entries, out);
    expect((await lstat(linked)).isSymbolicLink()).toBe(false);
    expect(await readFile(victim)).toEqual(victimBytes);
    expect(entries.find((e) => e.line === 1)?.sha256).toBe(fixture.server.sha256('/linked.bin'));
    expect(entries.find((e) => e.line === 2)?.sha256).toBe(fixture.server.sha256('/short.bin'));
    expect(entries.find((e) => e.line === 3)?.sha256).toBe(fixture.server.sha256('/whole.bin'));
    expect((await readFile(whole)).equals(fixture.server.content('/whole.bin'))).toBe(true);
  });
});
