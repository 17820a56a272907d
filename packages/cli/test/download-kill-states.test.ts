/**
 * What a kill leaves on disk at each step of a download, made by hand (a dead
 * pid's names, a part beside a complete file, a complete part not yet
 * renamed), and what the next run makes of it: every file right, reported
 * `ok`, and no engine file left once a --resume run has finished.
 *
 * A run without --resume leaves resume state (`.NAME.part`, its record and
 * lock) alone, as wget without -c leaves a partial file: only a --resume run
 * decides what a part is worth. Files named with a writer's pid (temporaries,
 * claim transients) are swept by any run once that writer is dead.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../dist/program.js';
import { captureIo, startContentServer, type ContentServer } from './helpers.js';
import { expectManifestMatchesDisk, readManifest } from './manifest-check.js';

/** A pid that was alive a moment ago and is not now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await once(child, 'close');
  return child.pid ?? 0;
}

/** The ETag startContentServer sends for a path (sha1 of its body). */
async function etagOf(server: ContentServer, urlPath: string): Promise<string> {
  const response = await fetch(`${server.url}${urlPath}`, { method: 'GET', headers: { Range: 'bytes=0-0' } });
  await response.arrayBuffer();
  return response.headers.get('etag') ?? '';
}

describe('the next run after a kill, from the state the kill left', () => {
  let work: string;
  let server: ContentServer;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'rf-kill-states-'));
    server = await startContentServer();
  });
  afterAll(async () => {
    await server.close();
    await rm(work, { recursive: true, force: true });
  });

  async function download(out: string, names: string[], extra: string[]): Promise<{ code: number; manifest: string }> {
    const manifest = path.join(work, `${path.basename(out)}-${extra.join('')}.jsonl`);
    const { io } = captureIo(names.map((name) => `${server.url}/${name}\t${name}`).join('\n'));
    const code = await runCli(['download', '-', '-o', out, '--retries', '0', '--manifest', manifest, ...extra], { io });
    return { code, manifest };
  }

  it('--resume keeps a complete file and removes the part, record and dead lock beside it; a complete part not yet renamed ends as the file', async () => {
    const out = path.join(work, 'beside');
    await mkdir(out, { recursive: true });
    const dead = await deadPid();
    const lock = JSON.stringify({ pid: dead, start: '1', token: '0123456789abcdef' });
    // Killed between the rename and forgetPartial: the file is whole, its record (and the dead writer's lock) stay.
    await writeFile(path.join(out, 'renamed.bin'), server.content('/renamed.bin'));
    await writeFile(path.join(out, '.renamed.bin.part.json'), JSON.stringify({ validator: await etagOf(server, '/renamed.bin'), url: `${server.url}/renamed.bin` }));
    await writeFile(path.join(out, '.renamed.bin.part.lock'), lock);
    // An attempt killed mid-body, then a run without --resume fetched the file whole: the old part stays beside it.
    const whole = server.content('/fetched.bin');
    await writeFile(path.join(out, 'fetched.bin'), whole);
    await writeFile(path.join(out, '.fetched.bin.part'), whole.subarray(0, 1000));
    await writeFile(path.join(out, '.fetched.bin.part.json'), JSON.stringify({ validator: await etagOf(server, '/fetched.bin'), url: `${server.url}/fetched.bin` }));
    // Killed between the body's end and the rename: the part is whole, the file not there yet.
    const unrenamed = server.content('/unrenamed.bin');
    await writeFile(path.join(out, '.unrenamed.bin.part'), unrenamed);
    await writeFile(path.join(out, '.unrenamed.bin.part.json'), JSON.stringify({ validator: await etagOf(server, '/unrenamed.bin'), url: `${server.url}/unrenamed.bin`, total: unrenamed.length }));
    await writeFile(path.join(out, '.unrenamed.bin.part.lock'), lock);

    const { code, manifest } = await download(out, ['renamed.bin', 'fetched.bin', 'unrenamed.bin'], ['--resume']);

    expect(code).toBe(0);
    const entries = await readManifest(manifest);
    expect(entries.sort((a, b) => a.line - b.line).map((e) => [e.path, e.ok, e.kept ?? false])).toEqual([
      ['renamed.bin', true, true],
      ['fetched.bin', true, true],
      ['unrenamed.bin', true, false],
    ]);
    await expectManifestMatchesDisk(entries, out);
    expect(await readFile(path.join(out, 'unrenamed.bin'))).toEqual(unrenamed);
    expect((await readdir(out)).sort()).toEqual(['fetched.bin', 'renamed.bin', 'unrenamed.bin']);
  });

  it('a run without --resume leaves a killed --resume run\'s part alone; the next --resume run, finding the file complete, removes it', async () => {
    const out = path.join(work, 'no-resume');
    await mkdir(out, { recursive: true });
    const whole = server.content('/left.bin');
    const record = JSON.stringify({ validator: await etagOf(server, '/left.bin'), url: `${server.url}/left.bin` });
    await writeFile(path.join(out, '.left.bin.part'), whole.subarray(0, 5000));
    await writeFile(path.join(out, '.left.bin.part.json'), record);

    expect((await download(out, ['left.bin'], [])).code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['.left.bin.part', '.left.bin.part.json', 'left.bin']);

    const { code, manifest } = await download(out, ['left.bin'], ['--resume']);
    expect(code).toBe(0);
    expect((await readManifest(manifest)).map((e) => [e.ok, e.kept])).toEqual([[true, true]]);
    expect(await readdir(out)).toEqual(['left.bin']);
    expect(await readFile(path.join(out, 'left.bin'))).toEqual(whole);
  });

  it('the part claim\'s transients and asides of a dead writer are swept by the next run, with or without --resume; a live writer\'s stay', async () => {
    const live = spawn('sleep', ['60']);
    try {
      for (const resume of [false, true]) {
        const out = path.join(work, `claim-transients-${resume}`);
        await mkdir(out, { recursive: true });
        const dead = await deadPid();
        const deadNames = [`.a.bin.part.lock.${dead}-0123456789ab`, `.a.bin.part.lock.${dead}-ba9876543210.stale`];
        const liveName = `.a.bin.part.lock.${live.pid}-00112233aabb`;
        for (const name of [...deadNames, liveName]) await writeFile(path.join(out, name), '{}');

        const { code, manifest } = await download(out, ['a.bin'], resume ? ['--resume'] : []);

        expect(code).toBe(0);
        await expectManifestMatchesDisk(await readManifest(manifest), out);
        expect({ resume, names: (await readdir(out)).sort() }).toEqual({ resume, names: [liveName, 'a.bin'].sort() });
      }
    } finally {
      live.kill('SIGKILL');
      await once(live, 'close');
    }
  });
});
