/**
 * rf download when the disk refuses bytes in the middle of a file. The
 * process's file size limit (`ulimit -f`) makes write() fail with EFBIG the
 * way a full disk makes it fail with ENOSPC, without needing a small file
 * system: the download fails with a typed reason, nothing is left under its
 * name (neither a partial file nor the temporary), and the rest complete. Both
 * ways a body is saved are covered: whole in one write (under 64 KiB) and
 * streamed in batches; in this process and in a pool child, which inherits
 * the limit.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { RF_BIN, startLoopbackServer, useDownloadFixture } from './helpers.js';
import { expectManifestMatchesDisk, readManifest } from './manifest-check.js';

const LIMIT_KIB = 16;
const BODIES: Record<string, Buffer> = {
  '/small': randomBytes(4 * 1024),
  '/whole': randomBytes(40 * 1024),
  '/streamed': randomBytes(1024 * 1024),
};
const canLimit = process.platform !== 'win32' && existsSync('/bin/bash');

describe('rf download: a disk that refuses bytes mid-file', () => {
  const fixture = useDownloadFixture('rf-full-disk-', () =>
    startLoopbackServer((req, res) => {
      // /tiny/N: 200 bytes, far under the limit, so that only the manifest grows past it.
      const body = req.url?.startsWith('/tiny/') ? Buffer.alloc(200, req.url) : BODIES[req.url ?? ''];
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Length': body.length }).end(body);
    }),
  );

  /** rf download under a file size limit of LIMIT_KIB KiB; resolves with its exit code and output. */
  async function downloadLimited(args: string[]): Promise<{ code: number | null; stdout: string }> {
    const child = spawn('/bin/bash', ['-c', `ulimit -f ${LIMIT_KIB} && exec "$0" "$@"`, process.execPath, RF_BIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    const [code] = (await once(child, 'close')) as [number | null];
    return { code, stdout };
  }

  (canLimit ? it.each : it.skip.each)([[[]], [['--processes', '1']]])('fails only the files it cannot write, leaving nothing of them (%j)', async (extra) => {
    const name = extra.length === 0 ? 'here' : 'child';
    const out = path.join(fixture.work, name);
    const manifest = path.join(fixture.work, `${name}.jsonl`);
    const list = path.join(fixture.work, `${name}.txt`);
    await writeFile(list, Object.keys(BODIES).map((urlPath) => `${fixture.server.url}${urlPath}\t${urlPath.slice(1)}.bin`).join('\n'));

    const { code, stdout } = await downloadLimited(['download', list, '-o', out, '--retries', '0', '--manifest', manifest, ...extra]);

    expect(code).toBe(1);
    expect(stdout).toMatch(/Summary: 1 ok, 2 failed/);
    const entries = await readManifest(manifest);
    const byPath = new Map(entries.map((entry) => [entry.path, entry]));
    expect(byPath.get('small.bin')).toMatchObject({ ok: true, bytes: 4096, sha256: createHash('sha256').update(BODIES['/small']!).digest('hex') });
    for (const failed of ['whole.bin', 'streamed.bin']) {
      expect(byPath.get(failed)).toMatchObject({ ok: false, sha256: null });
      expect(byPath.get(failed)?.error).toMatch(/^OutputFileError: .*EFBIG/);
    }
    // Only the file that was written whole: no partial file, no temporary.
    expect(await readdir(out)).toEqual(['small.bin']);
    expect((await readFile(path.join(out, 'small.bin'))).equals(BODIES['/small']!)).toBe(true);
  });

  (canLimit ? it : it.skip)('a manifest that outgrows the limit stops the run (exit 1) and keeps whole lines only, each true of the disk', async () => {
    const out = path.join(fixture.work, 'manifest-full');
    const manifest = path.join(fixture.work, 'manifest-full.jsonl');
    const list = path.join(fixture.work, 'manifest-full.txt');
    // About 230 bytes of manifest a line: 150 lines need twice the 16 KiB the manifest may hold.
    await writeFile(list, Array.from({ length: 150 }, (_, i) => `${fixture.server.url}/tiny/${i}\t${i}.bin`).join('\n'));

    const { code, stdout } = await downloadLimited(['download', list, '-o', out, '--retries', '0', '--manifest', manifest, '-q']);

    expect(code).toBe(1);
    expect(stdout).toContain(`Manifest: ${manifest}`);
    const text = await readFile(manifest, 'utf8');
    expect(text.length).toBeGreaterThan(0);
    expect(text.endsWith('\n')).toBe(true);
    const entries = await readManifest(manifest);
    expect(entries.length).toBeGreaterThan(10);
    expect(entries.length).toBeLessThan(150);
    await expectManifestMatchesDisk(entries, out);
    expect((await readdir(out)).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});
