import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { startDemoServer } from '../dist/demo/server.js';
import { fileSha256 } from '../dist/demo/file-content.js';
import { runCli } from '../dist/program.js';
import { pathFromUrl } from '../dist/download/paths.js';
import { formatBytes } from '../dist/util/format.js';
import type { ManifestEntry } from '../dist/download/manifest.js';
import { closedLoopbackPort } from '@requests-futures/testing';
import { captureIo, runRfProcess, useDownloadFixture } from './helpers.js';

async function readManifest(file: string): Promise<ManifestEntry[]> {
  return (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as ManifestEntry);
}

const sha256Of = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

describe('rf download end to end', () => {
  const fixture = useDownloadFixture('rf-download-e2e-', () => startDemoServer({ seed: 42, count: 50, maxBytes: 48 * 1024, minBytes: 1024 }));

  it('downloads 50 files with -j 8 --processes 2; the manifest sha256 matches the content', async () => {
    const list = path.join(fixture.work, 'fifty.txt');
    const out = path.join(fixture.work, 'fifty');
    const manifest = path.join(fixture.work, 'fifty.jsonl');
    await writeFile(list, fixture.server.files.map((file) => fixture.server.fileUrl(file)).join('\n'));

    const run = await runRfProcess(['download', list, '-o', out, '-j', '8', '--processes', '2', '--manifest', manifest]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Summary: 50 ok, 0 failed/);
    const entries = await readManifest(manifest);
    expect(entries).toHaveLength(50);
    const byUrl = new Map(entries.map((entry) => [entry.url, entry]));
    for (const file of fixture.server.files) {
      const entry = byUrl.get(fixture.server.fileUrl(file));
      expect(entry).toMatchObject({ ok: true, status: 200, bytes: file.size, error: null });
      expect(entry?.sha256).toBe(fileSha256(file));
      expect(await sha256Of(path.join(out, ...(entry?.path ?? '').split('/')))).toBe(fileSha256(file));
    }
  });

  it('reports a 404, a refused connection and a bad list line as failures with exit code 1', async () => {
    const port = await closedLoopbackPort();
    const good = fixture.server.fileUrl(fixture.server.files[0]);
    const list = path.join(fixture.work, 'mixed.txt');
    const out = path.join(fixture.work, 'mixed');
    const manifest = path.join(fixture.work, 'mixed.jsonl');
    await writeFile(
      list,
      [good, `${fixture.server.baseUrl}/files/missing.bin`, `http://127.0.0.1:${port}/refused.bin`, 'not-a-url', `${good}\t../../etc/passwd`].join('\n'),
    );
    const { io, output } = captureIo();

    const code = await runCli(['download', list, '-o', out, '-j', '4', '--retries', '0', '--manifest', manifest], { io });

    const { stdout, stderr } = output();
    expect(code).toBe(1);
    expect(stdout).toMatch(/Summary: 1 ok, 2 failed, 2 list line\(s\) skipped/);
    expect(stdout).toContain(`${fixture.server.baseUrl}/files/missing.bin  HTTP 404`);
    expect(stdout).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}/refused\\.bin  ConnectionError`));
    expect(stderr).toMatch(/line 4: not an http\(s\) URL/);
    expect(stderr).toMatch(/line 5: path "\.\.\/\.\.\/etc\/passwd" escapes the output directory/);
    const entries = await readManifest(manifest);
    expect(entries.map((e) => [e.line, e.ok, e.status])).toEqual(
      expect.arrayContaining([
        [1, true, 200],
        [2, false, 404],
        [3, false, null],
        [4, false, null],
        [5, false, null],
      ]),
    );
    // A refused line's url is the URL alone; the path it asked for has its own field.
    const byLine = new Map(entries.map((e) => [e.line, e]));
    expect(byLine.get(5)).toMatchObject({ url: good, path: null, requestedPath: '../../etc/passwd' });
    expect(byLine.get(4)).toMatchObject({ url: 'not-a-url', path: null });
    expect(byLine.get(4)).not.toHaveProperty('requestedPath');
    expect(byLine.get(1)).not.toHaveProperty('requestedPath');
    // The 404 page is not left behind under the file's name.
    const hostDir = path.join(out, new URL(fixture.server.baseUrl).host.replace(':', '_'), 'files');
    expect((await readdir(hostDir)).filter((name) => !name.startsWith('.')).sort()).toEqual([fixture.server.files[0].name.split('/')[0]]);
    expect(await sha256Of(path.join(hostDir, ...fixture.server.files[0].name.split('/')))).toBe(fileSha256(fixture.server.files[0]));
  });

  it('saves under the tab-given path, sanitized and inside DIR, numbering a repeated name', async () => {
    const [a, b] = fixture.server.files;
    const out = path.join(fixture.work, 'named');
    const { io, output } = captureIo(
      [`${fixture.server.fileUrl(a)}\tsub/../x.bin`, `${fixture.server.fileUrl(b)}\tsub/x.bin`, `${fixture.server.fileUrl(a)}\t/abs-looking`].join('\n'),
    );

    const code = await runCli(['download', '-', '-o', out, '-j', '2'], { io });

    expect(output().stderr).toMatch(/line 3: path "\/abs-looking" escapes/);
    expect(code).toBe(1);
    expect(await sha256Of(path.join(out, 'sub', 'x.bin'))).toBe(fileSha256(a));
    expect(await sha256Of(path.join(out, 'sub', 'x (2).bin'))).toBe(fileSha256(b));
  });

  it('--resume keeps files complete from an earlier run and fetches only the missing ones', async () => {
    const files = fixture.server.files.slice(0, 5);
    const list = path.join(fixture.work, 'resume.txt');
    const out = path.join(fixture.work, 'resume');
    const manifest = path.join(fixture.work, 'resume.jsonl');
    await writeFile(list, files.map((file) => fixture.server.fileUrl(file)).join('\n'));
    const first = captureIo();
    expect(await runCli(['download', list, '-o', out, '--resume'], { io: first.io })).toBe(0);
    const removed = path.join(out, ...pathFromUrl(fixture.server.fileUrl(files[2])).split('/'));
    await rm(removed);

    const second = captureIo();
    expect(await runCli(['download', list, '-o', out, '--resume', '--manifest', manifest], { io: second.io })).toBe(0);

    // Kept files are counted apart: only the removed file's bytes were transferred, and the rate is on those.
    const keptBytes = files.filter((_, i) => i !== 2).reduce((sum, file) => sum + file.size, 0);
    expect(second.output().stdout).toContain(
      `Summary: 5 ok (4 kept from an earlier run, ${formatBytes(keptBytes)} not fetched again), 0 failed, ${formatBytes(files[2].size)} transferred in`,
    );
    const entries = await readManifest(manifest);
    expect(entries.filter((e) => e.kept).map((e) => e.line).sort()).toEqual([1, 2, 4, 5]);
    for (const entry of entries) expect(entry.sha256).toBe(fileSha256(files[entry.line - 1]));
    expect(await sha256Of(removed)).toBe(fileSha256(files[2]));
  });

  it('--resume continues a download that broke off, asking only for the missing bytes', async () => {
    const body = createHash('sha512').update('seed').digest();
    const content = Buffer.concat(Array.from({ length: 2048 }, () => body)); // 128 KiB
    const ranges: string[] = [];
    let requests = 0;
    // The first answer breaks off halfway; later ones honour Range.
    const flaky = createServer((req, res) => {
      requests += 1;
      const headers = { ETag: '"v1"', 'Content-Type': 'application/octet-stream' };
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (range) {
        ranges.push(req.headers.range ?? '');
        const start = Number(range[1]);
        res.writeHead(206, { ...headers, 'Content-Length': content.length - start, 'Content-Range': `bytes ${start}-${content.length - 1}/${content.length}` });
        res.end(content.subarray(start));
      } else if (requests === 1) {
        res.writeHead(200, { ...headers, 'Content-Length': content.length });
        res.write(content.subarray(0, content.length / 2), () => res.destroy());
      } else {
        res.writeHead(200, { ...headers, 'Content-Length': content.length });
        res.end(content);
      }
    });
    flaky.listen(0, '127.0.0.1');
    await once(flaky, 'listening');
    try {
      const url = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/big.bin`;
      const out = path.join(fixture.work, 'broken-off');
      const first = captureIo(`${url}\n`);
      expect(await runCli(['download', '-', '-o', out, '--resume', '--retries', '0'], { io: first.io })).toBe(1);

      const second = captureIo(`${url}\n`);
      expect(await runCli(['download', '-', '-o', out, '--resume', '--retries', '0'], { io: second.io })).toBe(0);

      expect(ranges).toHaveLength(1);
      const resumedFrom = Number(/bytes=(\d+)-/.exec(ranges[0])?.[1]);
      expect(resumedFrom).toBeGreaterThan(0);
      // The continued download transferred only the missing bytes, and says so.
      expect(second.output().stdout).toMatch(new RegExp(`0 failed, ${formatBytes(content.length - resumedFrom).replace('.', '\\.')} transferred in`));
      const saved = path.join(out, ...pathFromUrl(url).split('/'));
      expect(await sha256Of(saved)).toBe(createHash('sha256').update(content).digest('hex'));
    } finally {
      flaky.closeAllConnections();
      flaky.close();
    }
  });

  it('an interrupt aborts running downloads, prints the summary so far and exits 130', async () => {
    const interrupt = new AbortController();
    let arrived = 0;
    // Answers nothing: every download stays running until the interrupt aborts it.
    const stuck = createServer(() => {
      arrived += 1;
      if (arrived === 2) interrupt.abort(new Error('test interrupt'));
    });
    stuck.listen(0, '127.0.0.1');
    await once(stuck, 'listening');
    try {
      const base = `http://127.0.0.1:${(stuck.address() as AddressInfo).port}`;
      const { io, output } = captureIo(Array.from({ length: 50 }, (_, i) => `${base}/slow-${i}`).join('\n'));

      const code = await runCli(['download', '-', '-o', path.join(fixture.work, 'interrupted'), '-j', '2', '--retries', '0'], { io, signal: interrupt.signal });

      expect(code).toBe(130);
      expect(output().stdout).toMatch(/Summary: 0 ok, 2 failed/);
      expect(output().stderr).toMatch(/Interrupted/);
      expect(arrived).toBe(2);
    } finally {
      stuck.closeAllConnections();
      stuck.close();
    }
  });

  it('reads the list lazily: the first file finishes long before a long list is read', async () => {
    const total = 20_000;
    let pushed = 0;
    let pushedAtFirstResult = -1;
    const stdin = new Readable({
      highWaterMark: 256,
      read() {
        pushed += 1;
        this.push(pushed <= total ? `${fixture.server.fileUrl(fixture.server.files[pushed % 10])}\n` : null);
      },
    });
    const interrupt = new AbortController();
    const stdout = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        if (pushedAtFirstResult === -1 && chunk.toString().startsWith('[1/')) {
          pushedAtFirstResult = pushed;
          interrupt.abort();
        }
        callback();
      },
    });
    const { io } = captureIo();

    const code = await runCli(['download', '-', '-o', path.join(fixture.work, 'lazy'), '-j', '4'], { io: { ...io, stdin, stdout }, signal: interrupt.signal });

    expect(code).toBe(130);
    expect(pushedAtFirstResult).toBeGreaterThan(0);
    expect(pushedAtFirstResult).toBeLessThan(total / 4);
  });

  it('exits 2 on usage errors, naming what is wrong', async () => {
    const missingOutput = captureIo('');
    expect(await runCli(['download', 'list.txt'], { io: missingOutput.io })).toBe(2);
    expect(missingOutput.output().stderr).toMatch(/-o DIR/);

    const badJobs = captureIo('');
    expect(await runCli(['download', '-', '-o', fixture.work, '-j', 'many'], { io: badJobs.io })).toBe(2);
    expect(badJobs.output().stderr).toMatch(/-j must be a positive integer/);

    const missingList = captureIo('');
    expect(await runCli(['download', path.join(fixture.work, 'nope.txt'), '-o', fixture.work], { io: missingList.io })).toBe(2);
    expect(missingList.output().stderr).toMatch(/cannot read the URL list/);

    const unknown = captureIo('');
    expect(await runCli(['download', '--frobnicate'], { io: unknown.io })).toBe(2);
  });
});
