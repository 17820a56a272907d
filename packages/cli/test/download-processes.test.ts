/**
 * rf download as a real process: SIGINT (exit 130) and SIGTERM (exit 143)
 * end it after the summary and the manifest, a pool child that dies mid-download is retried under
 * --retries, and temporaries left by a dead run are swept on the next one.
 * Every process a test starts is ended, and the tests prove it with /proc.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isAlive, listenOnLoopback } from '@requests-futures/testing';
import { runCli } from '../dist/program.js';
import { captureIo, startContentServer, startRf } from './helpers.js';
import { expectManifestMatchesDisk, readManifest } from './manifest-check.js';
import { childrenOf, sizeOf, waitFor } from './process-watch.js';

describe('rf download as a process', () => {
  let work: string;
  const started: number[] = [];

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'rf-processes-'));
  });
  afterAll(async () => {
    for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await rm(work, { recursive: true, force: true });
  });

  it.each([
    ['SIGTERM', 143, [] as string[]],
    ['SIGTERM', 143, ['--processes', '2']],
    ['SIGINT', 130, [] as string[]],
    ['SIGINT', 130, ['--processes', '2']],
  ] as const)('%s prints the summary, writes the manifest and exits %d (%j)', async (signalName, exitCode, extra) => {
    const tag = `${signalName}-${extra.length}`;
    const held: ServerResponse[] = [];
    const stuck = createServer((_req, res) => held.push(res));
    const port = await listenOnLoopback(stuck);
    const list = path.join(work, `stuck-${tag}.txt`);
    const manifest = path.join(work, `stuck-${tag}.jsonl`);
    await writeFile(list, Array.from({ length: 10 }, (_, i) => `http://127.0.0.1:${port}/slow-${i}`).join('\n'));
    try {
      const rf = startRf(['download', list, '-o', path.join(work, `stuck-${tag}`), '-j', '2', '--retries', '0', '--manifest', manifest, ...extra]);
      const pid = rf.child.pid ?? 0;
      started.push(pid);
      await waitFor(() => held.length === 2, 'two requests to arrive');
      const pool = childrenOf(pid);
      started.push(...pool);

      rf.child.kill(signalName);
      const [code, signal] = await rf.closed;

      expect({ code, signal }).toEqual({ code: exitCode, signal: null });
      expect(rf.output().stdout).toMatch(/Summary: 0 ok, 2 failed/);
      expect(rf.output().stderr).toMatch(/Interrupted/);
      const entries = await readManifest(manifest);
      expect(entries.map((e) => e.ok)).toEqual([false, false]);
      // Each entry names the interruption, not the future's cancellation.
      expect(entries.map((e) => e.error)).toEqual([`Interrupted: interrupted (${signalName})`, `Interrupted: interrupted (${signalName})`]);
      await waitFor(() => ![pid, ...pool].some(isAlive), 'rf and its pool children to end');
      expect(childrenOf(pid)).toEqual([]);
    } finally {
      stuck.closeAllConnections();
      stuck.close();
    }
  });

  it('a download whose pool child is SIGKILLed is retried under --retries and completes', async () => {
    let rfPid = 0;
    let killed: number[] = [];
    const server = await startContentServer({
      handle: (urlPath, _req, res) => {
        if (urlPath !== '/victim.bin' || killed.length > 0) return false;
        // The first request for victim.bin: the child running it dies before any answer.
        killed = childrenOf(rfPid);
        for (const pid of killed) process.kill(pid, 'SIGKILL');
        res.on('close', () => undefined);
        return true;
      },
    });
    try {
      const list = path.join(work, 'victim.txt');
      const manifest = path.join(work, 'victim.jsonl');
      const out = path.join(work, 'victim');
      await writeFile(list, `${server.url}/victim.bin\n${server.url}/other.bin\n`);
      const rf = startRf(['download', list, '-o', out, '-j', '1', '--processes', '1', '--retries', '1', '--manifest', manifest]);
      rfPid = rf.child.pid ?? 0;
      started.push(rfPid);

      const [code] = await rf.closed;

      expect(killed.length).toBeGreaterThan(0);
      expect(rf.output().stdout).toMatch(/Summary: 2 ok, 0 failed/);
      expect(code).toBe(0);
      const entries = await readManifest(manifest);
      await expectManifestMatchesDisk(entries, out);
      expect(entries.find((e) => e.line === 1)?.sha256).toBe(server.sha256('/victim.bin'));
      expect(server.requests.filter((p) => p === '/victim.bin')).toHaveLength(2);
      expect(killed.some(isAlive)).toBe(false);
      await waitFor(() => childrenOf(rfPid).length === 0, 'the pool children to end');
    } finally {
      await server.close();
    }
  });

  it('temporaries whose writer is dead are swept when the run first writes into their directory; a live writer\'s stay', async () => {
    const server = await startContentServer();
    const dead = spawn(process.execPath, ['-e', '0']);
    const deadPid = dead.pid ?? 0;
    await once(dead, 'close');
    const live = spawn('sleep', ['60']);
    const livePid = live.pid ?? 0;
    started.push(livePid);
    try {
      const out = path.join(work, 'sweep');
      const hostDir = path.join(out, new URL(server.url).host.replace(':', '_'));
      await mkdir(hostDir, { recursive: true });
      const deadTemporary = `.a.bin.${deadPid}-0123456789ab.part`;
      const liveTemporary = `.a.bin.${livePid}-ba9876543210.part`;
      const otherDir = path.join(out, 'elsewhere');
      await mkdir(otherDir);
      // A subdirectory that is a symlink to a directory outside DIR: not read, not swept.
      const outside = path.join(work, 'sweep-outside');
      await mkdir(outside);
      await symlink(outside, path.join(out, 'link'));
      for (const file of [path.join(hostDir, deadTemporary), path.join(hostDir, liveTemporary), path.join(otherDir, deadTemporary), path.join(outside, deadTemporary)]) {
        await writeFile(file, 'left by a killed run');
      }
      const { io } = captureIo(`${server.url}/a.bin\n${server.url}/a.bin\tlink/a.bin\n`);

      expect(await runCli(['download', '-', '-o', out, '--retries', '0'], { io })).toBe(1);

      expect(isAlive(deadPid)).toBe(false);
      expect((await readdir(hostDir)).sort()).toEqual([liveTemporary, 'a.bin'].sort());
      // Only directories the run writes into are read.
      expect(await readdir(otherDir)).toEqual([deadTemporary]);
      expect(await readdir(outside)).toEqual([deadTemporary]);
    } finally {
      live.kill('SIGKILL');
      await once(live, 'close');
      await server.close();
    }
    expect(isAlive(livePid)).toBe(false);
  });

  it.each([0, 2])('SIGKILL of rf itself mid-body with --resume (--processes %d): no child outlives it, and the same command again resumes from the part and leaves only the whole file', async (processes) => {
    const body = randomBytes(4 * 1024 * 1024);
    const etag = '"whole-v1"';
    const held: ServerResponse[] = [];
    const ranges: string[] = [];
    const server = createServer((req, res) => {
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (range) {
        ranges.push(req.headers.range!);
        const start = Number(range[1]);
        res.writeHead(206, { ETag: etag, 'Content-Length': body.length - start, 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` }).end(body.subarray(start));
        return;
      }
      // The first answer stops after 1.5 MiB and holds the connection: rf is killed while waiting for the rest.
      res.writeHead(200, { ETag: etag, 'Content-Length': body.length });
      res.write(body.subarray(0, 1536 * 1024));
      held.push(res);
    });
    const port = await listenOnLoopback(server);
    try {
      const out = path.join(work, `killed-${processes}`);
      const part = path.join(out, '.big.bin.part');
      const list = path.join(work, `killed-${processes}.txt`);
      const manifest = path.join(work, `killed-${processes}.jsonl`);
      await writeFile(list, `http://127.0.0.1:${port}/big\tbig.bin\n`);
      const args = ['download', list, '-o', out, '--resume', '--processes', String(processes), '--retries', '0', '--manifest', manifest];
      const first = startRf(args);
      const firstPid = first.child.pid ?? 0;
      started.push(firstPid);
      // The engine writes in 1 MiB batches: a part of 1 MiB means bytes are on disk.
      await waitFor(() => sizeOf(part) >= 1024 * 1024, 'the part file to hold 1 MiB');
      const children = childrenOf(firstPid);
      expect(children.length).toBe(processes);
      started.push(...children);

      process.kill(firstPid, 'SIGKILL');
      expect(await first.closed).toEqual([null, 'SIGKILL']);
      await waitFor(() => !children.some(isAlive), 'the killed run\'s pool children to end');

      const second = startRf(args);
      started.push(second.child.pid ?? 0);
      const [code] = await second.closed;

      expect(second.output().stdout).toMatch(/Summary: 1 ok, 0 failed/);
      expect(code).toBe(0);
      expect(ranges).toHaveLength(1);
      expect(Number(/^bytes=(\d+)-$/.exec(ranges[0]!)?.[1])).toBeGreaterThanOrEqual(1024 * 1024);
      const entries = await readManifest(manifest);
      expect(entries).toMatchObject([{ ok: true, status: 206, bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') }]);
      await expectManifestMatchesDisk(entries, out);
      expect(await readdir(out)).toEqual(['big.bin']);
    } finally {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    }
  });
});
