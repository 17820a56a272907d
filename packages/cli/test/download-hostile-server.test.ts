/**
 * rf download against a server that lies, through a pool child: a body in a
 * Content-Encoding the engine does not decode; a retry answered with the
 * rest of the file as a 200. Neither is reported ok nor left under its name;
 * a file that changed between two attempts, whose server ignores If-Range and
 * leaves the ETag out of its 206, starts over and is saved as the new version;
 * the honest file beside them downloads (the control).
 */
import { expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { RequestListener } from 'node:http';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { runRfProcess, startLoopbackServer, useDownloadFixture } from './helpers.js';
import { expectManifestMatchesDisk, readManifest } from './manifest-check.js';

const before = randomBytes(300_000);
const after = randomBytes(300_000);
const requests: string[] = [];
const answer: RequestListener = (req, res) => {
  requests.push(`${req.url} ${req.headers.range ?? ''}`);
  if (req.url === '/honest.bin') res.writeHead(200, { 'Content-Length': before.length }).end(before);
  else if (req.url === '/compress.bin') res.writeHead(200, { 'Content-Encoding': 'gzip, compress' }).end(gzipSync(before));
  else if (req.url === '/changed.bin' && !req.headers.range && requests.filter((line) => line === '/changed.bin ').length > 1) {
    // Asked again from the start: the changed file, whole.
    res.writeHead(200, { 'Content-Length': after.length }).end(after);
  } else if (!req.headers.range) {
    // The first attempt breaks off half way; the part keeps its bytes under ETag "v1".
    res.writeHead(200, { ETag: '"v1"', 'Content-Length': before.length });
    res.write(before.subarray(0, 100_000), () => res.destroy());
  } else if (req.url === '/changed.bin') {
    // The file changed meanwhile; this server ignores If-Range and names no ETag.
    const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range)?.[1]);
    res.writeHead(206, { 'Content-Length': after.length - start, 'Content-Range': `bytes ${start}-${after.length - 1}/${after.length}` }).end(after.subarray(start));
  } else {
    // The rest, sent as if it were the whole file.
    const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range)?.[1]);
    res.writeHead(200, { ETag: '"v1"', 'Content-Length': before.length - start }).end(before.subarray(start));
  }
};
const fixture = useDownloadFixture('rf-hostile-', () => startLoopbackServer(answer));

it('reports no undecoded body and no rest labelled 200 as ok, leaving neither file, and starts a changed file over (--processes 1)', async () => {
  const list = path.join(fixture.work, 'list.txt');
  const out = path.join(fixture.work, 'out');
  const manifest = path.join(fixture.work, 'manifest.jsonl');
  await writeFile(list, [`${fixture.server.url}/honest.bin\thonest.bin`, `${fixture.server.url}/compress.bin\tcompress.bin`, `${fixture.server.url}/changed.bin\tchanged.bin`, `${fixture.server.url}/rest-as-200.bin\trest-as-200.bin`].join('\n'));

  const run = await runRfProcess(['download', list, '-o', out, '--resume', '--retries', '1', '--processes', '1', '-q', '--manifest', manifest]);

  expect(run.code).toBe(1);
  const entries = await readManifest(manifest);
  const byPath = new Map(entries.map((entry) => [entry.path, entry]));
  expect(byPath.get('honest.bin')).toMatchObject({ ok: true, bytes: before.length });
  expect(byPath.get('compress.bin')).toMatchObject({ ok: false });
  expect(byPath.get('compress.bin')?.error).toMatch(/^ContentDecodingError: Content-Encoding 'gzip, compress' is not one the engine decodes/);
  expect(byPath.get('changed.bin')).toMatchObject({ ok: true, bytes: after.length });
  expect(byPath.get('rest-as-200.bin')).toMatchObject({ ok: false });
  expect(byPath.get('rest-as-200.bin')?.error).toMatch(/^RequestException: A 200 of version "v1" holds 200000 bytes, but that version had 300000/);
  // The retry asked for the rest of the part, got the other version's, and started over.
  expect(requests.filter((line) => line.startsWith('/changed.bin'))).toEqual(['/changed.bin ', '/changed.bin bytes=100000-', '/changed.bin ']);
  await expectManifestMatchesDisk(entries, out);
  expect((await readdir(out)).sort()).toEqual(['changed.bin', 'honest.bin']);
  expect((await readFile(path.join(out, 'changed.bin'))).equals(after)).toBe(true);
});
