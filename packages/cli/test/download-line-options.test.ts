/**
 * aria2c-style per-URL options end to end: `  out=`, `  header=` and
 * `  checksum=sha-256=` reach the server and the disk, beside -H and the TAB
 * form, and a bad option is reported with its own line number.
 */
import { expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { access, readFile, writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { runCli } from '../dist/program.js';
import type { ManifestEntry } from '../dist/download/manifest.js';
import { captureIo, startLoopbackServer, useDownloadFixture } from './helpers.js';

const seen = new Map<string, IncomingHttpHeaders>();
const body = (urlPath: string) => `content of ${urlPath}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const fixture = useDownloadFixture('rf-line-options-', () =>
  startLoopbackServer((req, res) => {
    seen.set(req.url ?? '', req.headers);
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    res.end(body(req.url ?? ''));
  }),
);

it('applies out=, header= and checksum= to their URL only; a bad option fails its entry alone, naming its line', async () => {
  const list = path.join(fixture.work, 'list.txt');
  const out = path.join(fixture.work, 'out');
  const manifest = path.join(fixture.work, 'manifest.jsonl');
  await writeFile(
    list,
    [
      `${fixture.server.url}/a.bin`,
      '  out=chosen/a-renamed.bin',
      '  header=Authorization: Bearer for-a',
      `  checksum=sha-256=${sha256(body('/a.bin'))}`,
      `${fixture.server.url}/b.bin\tby-tab/b.bin`,
      `${fixture.server.url}/c.bin`,
      `  checksum=sha-256=${'0'.repeat(64)}`,
      `${fixture.server.url}/d.bin`,
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
  expect(byLine.get(9)).toMatchObject({ ok: false, url: `${fixture.server.url}/d.bin`, path: null });
});
