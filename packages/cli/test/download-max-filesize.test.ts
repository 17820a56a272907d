/**
 * `rf download --max-filesize SIZE` (curl's flag): a body that grows past SIZE
 * once decoded, such as a gzip bomb (a few KiB on the wire, megabytes on
 * disk), fails that entry with ContentTooLarge and leaves nothing under its
 * name, in this process and in pool children; files within the limit
 * download; a size that is not one is a usage error naming the flag.
 */
import { describe, expect, it } from '@jest/globals';
import { readdir, writeFile } from 'node:fs/promises';
import type { RequestListener } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from '../dist/program.js';
import { captureIo, startLoopbackServer, useDownloadFixture } from './helpers.js';
import { expectManifestMatchesDisk, readManifest } from './manifest-check.js';

const MiB = 1024 * 1024;
/** 8 MiB of zeros: about 8 KiB gzipped. */
const bomb = gzipSync(Buffer.alloc(8 * MiB));
const small = Buffer.alloc(100 * 1024, 7);

const answer: RequestListener = (req, res) => {
  if (req.url === '/bomb.bin') res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': bomb.length }).end(bomb);
  else res.writeHead(200, { 'Content-Length': small.length }).end(small);
};
const fixture = useDownloadFixture('rf-max-filesize-', () => startLoopbackServer(answer));

describe.each(['0', '1'])('--max-filesize 1M with --processes %s', (processes) => {
  it('fails the gzip bomb with ContentTooLarge, leaves nothing of it, and downloads the small file', async () => {
    const list = path.join(fixture.work, `list-${processes}.txt`);
    const out = path.join(fixture.work, `out-${processes}`);
    const manifest = path.join(fixture.work, `manifest-${processes}.jsonl`);
    await writeFile(list, `${fixture.server.url}/bomb.bin\tbomb.bin\n${fixture.server.url}/small.bin\tsmall.bin\n`);
    const { io } = captureIo();
    const code = await runCli(['download', list, '-o', out, '--processes', processes, '--retries', '0', '--max-filesize', '1M', '--manifest', manifest, '-q'], { io });
    expect(code).toBe(1);
    const entries = await readManifest(manifest);
    const byPath = new Map(entries.map((entry) => [entry.path, entry]));
    expect(byPath.get('bomb.bin')).toMatchObject({ ok: false });
    expect(byPath.get('bomb.bin')?.error).toMatch(/^ContentTooLarge: Response body exceeds maxResponseBytes=1048576/);
    expect(byPath.get('small.bin')).toMatchObject({ ok: true, bytes: small.length });
    await expectManifestMatchesDisk(entries, out);
    expect(await readdir(out)).toEqual(['small.bin']);
  });
});

it('without the flag the bomb is written whole (the control)', async () => {
  const out = path.join(fixture.work, 'unlimited');
  const { io } = captureIo(`${fixture.server.url}/bomb.bin\tbomb.bin\n`);
  expect(await runCli(['download', '-', '-o', out, '--processes', '0', '-q'], { io })).toBe(0);
  expect(await readdir(out)).toEqual(['bomb.bin']);
});

it.each(['0', 'big', '-1M', '10X', '5M/s', ''])('--max-filesize %j is a usage error (exit 2) naming the flag', async (size) => {
  const { io, output } = captureIo(`${fixture.server.url}/small.bin\n`);
  const code = await runCli(['download', '-', '-o', path.join(fixture.work, 'bad'), '--max-filesize', size], { io });
  expect(code).toBe(2);
  expect(output().stderr).toContain('--max-filesize must be a size in bytes such as 500k, 10M or 250000');
});
