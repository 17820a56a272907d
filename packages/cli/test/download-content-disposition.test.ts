/**
 * --content-disposition against a loopback server that sends
 * Content-Disposition: the server's name (filename, or filename* in RFC 5987
 * encoding) replaces the URL's, sanitized by the run's allocator: it cannot
 * leave DIR, make directories, or take another entry's name.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../dist/program.js';
import type { ManifestEntry } from '../dist/download/manifest.js';
import { dispositionFileName, renameToDispositionName } from '../dist/download/disposition-name.js';
import { PathAllocator } from '../dist/download/paths.js';
import { UnsafePath } from '@requests-futures/core';
import { captureIo, startLoopbackServer, useDownloadFixture } from './helpers.js';

const DISPOSITIONS: Record<string, string> = {
  '/dl?id=1': 'attachment; filename="report.pdf"',
  '/dl?id=2': "attachment; filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9.txt; filename=\"fallback.txt\"",
  '/evil': 'attachment; filename="../../../escape.txt"',
  '/dup-1': 'attachment; filename="same.bin"',
  '/dup-2': 'attachment; filename="same.bin"',
  '/listed': 'attachment; filename="server-name.bin"',
  '/broken': 'attachment; filename="unterminated',
};

const fixture = useDownloadFixture('rf-content-disposition-', () =>
  startLoopbackServer((req, res) => {
    const disposition = DISPOSITIONS[req.url ?? ''];
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', ...(disposition ? { 'Content-Disposition': disposition } : {}) });
    res.end(`body of ${req.url}`);
  }),
);

const LINES = () => [`${fixture.server.url}/dl?id=1`, `${fixture.server.url}/dl?id=2`, `${fixture.server.url}/evil`, `${fixture.server.url}/dup-1`, `${fixture.server.url}/dup-2`, `${fixture.server.url}/listed\tmine.bin`, `${fixture.server.url}/plain.bin`, `${fixture.server.url}/broken`];

async function run(name: string, flags: string[]) {
  const list = path.join(fixture.work, `${name}.txt`);
  const out = path.join(fixture.work, name);
  const manifest = path.join(fixture.work, `${name}.jsonl`);
  await writeFile(list, LINES().join('\n'));
  const { io, output } = captureIo();
  const code = await runCli(['download', list, '-o', out, '-j', '1', '--processes', '0', '--manifest', manifest, ...flags], { io });
  const entries = code === 2 ? [] : (await readFile(manifest, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as ManifestEntry);
  return { code, ...output(), out, byLine: new Map(entries.map((e) => [e.line, e])) };
}

describe('--content-disposition', () => {
  it('without it the URL names the files (the control)', async () => {
    const result = await run('control', []);
    expect(result.code).toBe(0);
    expect(result.byLine.get(1)?.path).toBe(`${new URL(fixture.server.url).host.replace(':', '_')}/dl`);
  });

  it("takes the server's name, filename* first, sanitized and numbered by the allocator; a list path wins", async () => {
    const result = await run('named', ['--content-disposition']);
    expect(result.code).toBe(0);
    const host = new URL(fixture.server.url).host.replace(':', '_');
    expect([...result.byLine.entries()].map(([line, e]) => [line, e.path])).toEqual([
      [1, `${host}/report.pdf`],
      [2, `${host}/naïve résumé.txt`],
      [3, `${host}/.._.._.._escape.txt`],
      [4, `${host}/same.bin`],
      [5, `${host}/same (2).bin`],
      [6, 'mine.bin'],
      [7, `${host}/plain.bin`],
      [8, `${host}/broken`],
    ]);
    for (const [line, entry] of result.byLine) {
      const url = LINES()[line - 1]?.split('\t')[0] ?? '';
      expect(await readFile(path.join(result.out, ...(entry.path ?? '').split('/')), 'utf8')).toBe(`body of ${url.slice(fixture.server.url.length)}`);
    }
    // Nothing outside DIR, and no file left under the URL's name.
    expect((await readdir(fixture.work)).filter((name) => name.includes('escape'))).toEqual([]);
    expect((await readdir(path.join(result.out, host))).sort()).toEqual(
      ['.._.._.._escape.txt', 'broken', 'naïve résumé.txt', 'plain.bin', 'report.pdf', 'same (2).bin', 'same.bin'].sort(),
    );
  });

  it('refuses --resume and --checksums beside it (usage error)', async () => {
    expect((await run('with-resume', ['--content-disposition', '--resume'])).stderr).toMatch(/--content-disposition cannot be combined with --resume/);
    const sums = path.join(fixture.work, 'sums.txt');
    await writeFile(sums, '');
    expect((await run('with-sums', ['--content-disposition', '--checksums', sums])).code).toBe(2);
  });

  it('parses names as RFC 6266 / 5987 say, and makes every one a single safe segment', () => {
    expect(dispositionFileName("attachment; filename*=UTF-8''%E2%82%AC%20rates.txt")).toBe('€ rates.txt');
    expect(dispositionFileName('inline; filename="a\\\\b/c.txt"')).toBe('a_b_c.txt');
    expect(dispositionFileName('attachment; filename=".."')).toBeNull();
    expect(dispositionFileName('attachment; filename="CON"')).toBe('_CON');
    expect(dispositionFileName('attachment')).toBeNull();
    expect(dispositionFileName('attachment; filename="x')).toBeNull();
    expect(dispositionFileName(undefined)).toBeNull();
  });

  it('renames nothing through a directory that became a symlink after the download (UnsafePath): the file it leads to stays', async () => {
    const out = path.join(fixture.work, 'swapped-dir');
    const elsewhere = path.join(fixture.work, 'swapped-elsewhere');
    await mkdir(elsewhere, { recursive: true });
    await mkdir(out, { recursive: true });
    // DIR/host was a directory when the file was written; now it leads elsewhere, where a file has the downloaded name.
    await writeFile(path.join(elsewhere, 'hosts'), 'not a download');
    await symlink(elsewhere, path.join(out, 'host'));
    const allocator = new PathAllocator(out);
    const downloaded = allocator.allocate('host/hosts');

    await expect(renameToDispositionName(allocator, downloaded.relativePath, 'attachment; filename="moved.txt"', `${fixture.server.url}/hosts`)).rejects.toThrow(UnsafePath);

    expect(await readdir(elsewhere)).toEqual(['hosts']);
    expect(await readFile(path.join(elsewhere, 'hosts'), 'utf8')).toBe('not a download');
  });
});
