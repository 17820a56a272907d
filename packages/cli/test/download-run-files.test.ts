/**
 * rf download and the files of the run itself. A list read from a FIFO (what
 * `rf download <(cmd)` gives) is read by the downloads alone: the pass that
 * counts a list's lines for the progress bar took lines from the same pipe,
 * and the run reported "0 ok, 0 failed" with exit 0. The list, the manifest
 * and the --checksums file may lie inside DIR: a line naming one of them is
 * numbered like any taken name, never renamed over it.
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { runCli } from '../dist/program.js';
import { pathFromUrl } from '../dist/download/paths.js';
import { captureIo, startContentServer, useDownloadFixture } from './helpers.js';
import { expectManifestMatchesDisk, readManifest } from './manifest-check.js';

const execFileAsync = promisify(execFile);

describe('rf download: the run\'s own files', () => {
  const fixture = useDownloadFixture('rf-run-files-', () => startContentServer());

  it('a list read from a FIFO, fed in many writes, is downloaded line by line: none is lost to the line count', async () => {
    const fifo = path.join(fixture.work, 'urls.fifo');
    await execFileAsync('mkfifo', [fifo]);
    const out = path.join(fixture.work, 'from-fifo');
    const manifest = path.join(fixture.work, 'from-fifo.jsonl');
    const urls = Array.from({ length: 120 }, (_, i) => `${fixture.server.url}/fifo/${i}.bin`);
    // The writer's open waits for rf's reader; each write waits until the pipe took it.
    const writer = createWriteStream(fifo);
    const feeding = (async () => {
      for (let i = 0; i < urls.length; i += 10) {
        await new Promise<void>((resolve, reject) => writer.write(`${urls.slice(i, i + 10).join('\n')}\n`, (error) => (error ? reject(error) : resolve())));
      }
      await new Promise<void>((resolve) => writer.end(resolve));
    })();
    const { io, output } = captureIo();

    const code = await runCli(['download', fifo, '-o', out, '-j', '4', '--retries', '0', '--manifest', manifest], { io });
    await feeding;

    expect(output().stdout).toMatch(/Summary: 120 ok, 0 failed/);
    expect(code).toBe(0);
    const entries = await readManifest(manifest);
    expect(entries.map((e) => e.line).sort((a, b) => a - b)).toEqual(urls.map((_, i) => i + 1));
    await expectManifestMatchesDisk(entries, out);
    expect(entries.find((e) => e.line === 120)?.path).toBe(pathFromUrl(urls[119]!));
  });

  it('a line naming the list, the manifest (or its directory) or the --checksums file inside DIR gets " (2)": none of them is replaced', async () => {
    const out = path.join(fixture.work, 'own-files');
    await mkdir(path.join(out, 'logs'), { recursive: true });
    const list = path.join(out, 'list.txt');
    const manifest = path.join(out, 'logs', 'manifest.jsonl');
    const sums = path.join(out, 'sums.txt');
    const lines = [
      `${fixture.server.url}/l\tlist.txt`,
      `${fixture.server.url}/m\tlogs/manifest.jsonl`,
      `${fixture.server.url}/d\tLOGS`,
      `${fixture.server.url}/s\tsums.txt`,
      `${fixture.server.url}/c\tc.bin`,
    ];
    const listText = `${lines.join('\n')}\n`;
    const sumsText = `${fixture.server.sha256('/c')}  c.bin\n`;
    await writeFile(list, listText);
    await writeFile(sums, sumsText);
    const { io, output } = captureIo();

    const code = await runCli(['download', list, '-o', out, '--retries', '0', '--manifest', manifest, '--checksums', sums], { io });

    expect(output().stdout).toMatch(/Summary: 5 ok, 0 failed/);
    expect(code).toBe(0);
    expect(await readFile(list, 'utf8')).toBe(listText);
    expect(await readFile(sums, 'utf8')).toBe(sumsText);
    const entries = await readManifest(manifest);
    expect(entries.map((e) => [e.line, e.path]).sort()).toEqual([
      [1, 'list (2).txt'],
      [2, 'logs/manifest (2).jsonl'],
      [3, 'LOGS (2)'],
      [4, 'sums (2).txt'],
      [5, 'c.bin'],
    ]);
    await expectManifestMatchesDisk(entries, out);
    expect(entries.find((e) => e.line === 2)?.sha256).toBe(fixture.server.sha256('/m'));
    expect((await readdir(out)).sort()).toEqual(['LOGS (2)', 'c.bin', 'list (2).txt', 'list.txt', 'logs', 'sums (2).txt', 'sums.txt']);
  });
});
