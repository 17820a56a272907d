/**
 * aria2c-style per-URL options end to end: `  out=`, `  header=` and
 * `  checksum=sha-256=` reach the server and the disk, beside -H and the TAB
 * form, and a bad option is reported with its own line number.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { listenOnLoopback } from '@requests-futures/testing';
import { runCli } from '../dist/program.js';
import type { ManifestEntry } from '../dist/download/manifest.js';
import { captureIo, closeServer } from './helpers.js';

let work: string;
let server: Server;
let base: string;
const seen = new Map<string, IncomingHttpHeaders>();
const body = (urlPath: string) => `content of ${urlPath}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rf-line-options-'));
  server = createServer((req, res) => {
    seen.set(req.url ?? '', req.headers);
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    res.end(body(req.url ?? ''));
  });
  base = `http://127.0.0.1:${await listenOnLoopback(server)}`;
});
afterAll(async () => {
  await closeServer(server);
  await rm(work, { recursive: true, force: true });
});

it('applies out=, header= and checksum= to their URL only; a bad option fails its entry alone, naming its line', async () => {
  const list = path.join(work, 'list.txt');
  const out = path.join(work, 'out');
  const manifest = path.join(work, 'manifest.jsonl');
  await writeFile(
    list,
    [
      `${base}/a.bin`,
      '  out=chosen/a-renamed.bin',
      '  header=Authorization: Bearer for-a',
      `  checksum=sha-256=${sha256(body('/a.bin'))}`,
      `${base}/b.bin\tby-tab/b.bin`,
      `${base}/c.bin`,
      `  checksum=sha-256=${'0'.repeat(64)}`,
      `${base}/d.bin`,
      '  referer=http://example.invalid/',
    ].join('\n'),
  );
  const { io, output } = captureIo();

  const code = await runCli(['download', list, '-o', out, '--processes', '0', '-H', 'X-Everyone: 1', '--manifest', manifest], { io });

  expect(code).toBe(1);
  expect(output().stderr).toContain('line 9: unknown option "referer" (known: out, header, checksum) (an option of the URL on line 8)');
  expect(seen.get('/a.bin')?.authorization).toBe('Bearer for-a');
  expect(seen.get('/a.bin')?.['x-everyone']).toBe('1');
  expect(seen.get('/b.bin')?.authorization).toBeUndefined();
  expect(seen.get('/b.bin')?.['x-everyone']).toBe('1');
  expect(seen.has('/d.bin')).toBe(false);
  expect(await readFile(path.join(out, 'chosen', 'a-renamed.bin'), 'utf8')).toBe(body('/a.bin'));
  expect(await readFile(path.join(out, 'by-tab', 'b.bin'), 'utf8')).toBe(body('/b.bin'));
  const entries = (await readFile(manifest, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as ManifestEntry);
  const byLine = new Map(entries.map((e) => [e.line, e]));
  expect(byLine.get(1)).toMatchObject({ ok: true, path: 'chosen/a-renamed.bin', requestedPath: 'chosen/a-renamed.bin', sha256: sha256(body('/a.bin')) });
  expect(byLine.get(6)).toMatchObject({ ok: false });
  expect(byLine.get(6)?.error).toMatch(/^ChecksumMismatch/);
  await expect(access(path.join(out, byLine.get(6)?.path ?? 'missing'))).rejects.toThrow();
  expect(byLine.get(9)).toMatchObject({ ok: false, url: `${base}/d.bin`, path: null });
});
