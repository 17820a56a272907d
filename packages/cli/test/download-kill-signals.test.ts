/**
 * rf download --resume interrupted mid-body, as a real process: a pool child
 * SIGKILLed while rf lives (retried at once under --retries, or failed and
 * continued by the next run), and Ctrl-C (to the process group, as a
 * terminal sends it: the pool children get it too) / SIGTERM of rf. Each time the bytes
 * that arrived stay in the part, the next attempt asks only for the rest, the
 * file ends whole, nothing hidden is left, and no process outlives its run.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isAlive, listenOnLoopback } from '@requests-futures/testing';
import { startRf } from './helpers.js';
import { expectManifestMatchesDisk, readManifest } from './manifest-check.js';
import { childrenOf, sizeOf, startRfGroup, waitFor } from './process-watch.js';

const BODY = randomBytes(4 * 1024 * 1024);
const ETAG = '"kill-signals-v1"';

/** The process among `pids` that has `file` open (from /proc/<pid>/fd). */
function holderOf(pids: number[], file: string): number | undefined {
  return pids.find((pid) => {
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  });
}

describe('rf download --resume interrupted mid-body', () => {
  let work: string;
  let server: Server;
  let port: number;
  /** Range headers received, in order. */
  const ranges: string[] = [];
  const held: ServerResponse[] = [];
  const started: number[] = [];

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'rf-kill-signals-'));
    server = createServer((req, res) => {
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (range && req.headers['if-range'] === ETAG) {
        ranges.push(req.headers.range!);
        const start = Number(range[1]);
        res.writeHead(206, { ETag: ETAG, 'Content-Length': BODY.length - start, 'Content-Range': `bytes ${start}-${BODY.length - 1}/${BODY.length}` }).end(BODY.subarray(start));
        return;
      }
      // A fresh request gets 1.5 MiB, then the connection is held: the interruption comes while rf waits for the rest.
      res.writeHead(200, { ETag: ETAG, 'Content-Length': BODY.length });
      res.write(BODY.subarray(0, 1536 * 1024));
      held.push(res);
    });
    port = await listenOnLoopback(server);
  });
  afterAll(async () => {
    for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    for (const res of held) res.destroy();
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
    await rm(work, { recursive: true, force: true });
  });

  async function setUp(tag: string): Promise<{ out: string; part: string; manifest: string; args: string[] }> {
    ranges.length = 0;
    const out = path.join(work, tag);
    const list = path.join(work, `${tag}.txt`);
    const manifest = path.join(work, `${tag}.jsonl`);
    await writeFile(list, `http://127.0.0.1:${port}/big\tbig.bin\n`);
    return { out, part: path.join(out, '.big.bin.part'), manifest, args: ['download', list, '-o', out, '--resume', '--manifest', manifest] };
  }

  async function expectWholeAndAlone(out: string, manifest: string): Promise<void> {
    const entries = await readManifest(manifest);
    expect(entries).toMatchObject([{ ok: true, bytes: BODY.length, sha256: createHash('sha256').update(BODY).digest('hex') }]);
    await expectManifestMatchesDisk(entries, out);
    expect((await readFile(path.join(out, 'big.bin'))).equals(BODY)).toBe(true);
    expect(await readdir(out)).toEqual(['big.bin']);
  }

  it.each([1, 0])('a pool child SIGKILLed mid-body while rf lives (--retries %d): the part keeps its bytes and the retry, or the next run, asks for the rest', async (retries) => {
    const { out, part, manifest, args } = await setUp(`child-${retries}`);
    const rf = startRf([...args, '--processes', '2', '-j', '2', '--retries', String(retries)]);
    const rfPid = rf.child.pid ?? 0;
    started.push(rfPid);
    // The engine writes in 1 MiB batches: a part of 1 MiB means bytes are on disk.
    await waitFor(() => sizeOf(part) >= 1024 * 1024, 'the part file to hold 1 MiB');
    const children = childrenOf(rfPid);
    started.push(...children);
    const victim = holderOf(children, part);
    expect(victim).toBeDefined();
    process.kill(victim!, 'SIGKILL');
    const kept = sizeOf(part);

    const [code] = await rf.closed;

    if (retries > 0) {
      expect({ code, stdout: rf.output().stdout }).toMatchObject({ code: 0, stdout: expect.stringMatching(/Summary: 1 ok, 0 failed/) });
    } else {
      expect({ code, stdout: rf.output().stdout }).toMatchObject({ code: 1, stdout: expect.stringMatching(/Summary: 0 ok, 1 failed/) });
      expect((await readManifest(manifest))[0]).toMatchObject({ ok: false, error: expect.stringMatching(/^BrokenProcessPool/) });
      expect(sizeOf(part)).toBeGreaterThanOrEqual(kept);
      const again = startRf([...args, '--processes', '2', '--retries', '0']);
      started.push(again.child.pid ?? 0);
      expect((await again.closed)[0]).toBe(0);
    }
    expect(ranges).toHaveLength(1);
    expect(Number(/^bytes=(\d+)-$/.exec(ranges[0]!)?.[1])).toBeGreaterThanOrEqual(kept);
    await expectWholeAndAlone(out, manifest);
    await waitFor(() => ![rfPid, ...children].some(isAlive), 'rf and its pool children to end');
  });

  it('two --resume runs on one DIR at once: the second fails the file with PartFileBusy naming it, the first completes it', async () => {
    const { out, part, manifest, args } = await setUp('two-runs');
    const first = startRf([...args, '--processes', '0', '--retries', '0']);
    started.push(first.child.pid ?? 0);
    await waitFor(() => sizeOf(part) >= 1024 * 1024, 'the part file to hold 1 MiB');
    const secondManifest = path.join(work, 'two-runs-second.jsonl');
    const second = startRf([...args.slice(0, -1), secondManifest, '--processes', '0', '--retries', '0']);
    started.push(second.child.pid ?? 0);

    expect((await second.closed)[0]).toBe(1);
    expect((await readManifest(secondManifest))[0]).toMatchObject({ ok: false, error: expect.stringMatching(/^PartFileBusy: .*\.big\.bin\.part is being written by process \d+/) });
    // The first run's held answer goes on to its end.
    for (const res of held.splice(0)) res.end(BODY.subarray(1536 * 1024));
    expect((await first.closed)[0]).toBe(0);
    expect(ranges).toEqual([]);
    await expectWholeAndAlone(out, manifest);
  });

  it.each([
    ['SIGINT', 'its process group', 130, 2],
    ['SIGTERM', 'rf', 143, 0],
  ] as const)('%s to %s mid-body exits %d (--processes %d) with the part kept and unclaimed; the next --resume run asks for the rest', async (signalName, whom, exitCode, processes) => {
    const { out, part, manifest, args } = await setUp(`${signalName}-${processes}`);
    const group = whom !== 'rf';
    const rf = (group ? startRfGroup : startRf)([...args, '--processes', String(processes), '--retries', '0']);
    const rfPid = rf.child.pid ?? 0;
    started.push(rfPid);
    await waitFor(() => sizeOf(part) >= 1024 * 1024, 'the part file to hold 1 MiB');
    const children = childrenOf(rfPid);
    started.push(...children);

    // A child that died of the signal would keep only its last 1 MiB write batch and leave its claim (.part.lock).
    process.kill(group ? -rfPid : rfPid, signalName);
    const [code, signal] = await rf.closed;

    expect({ code, signal }).toEqual({ code: exitCode, signal: null });
    expect((await readManifest(manifest))[0]).toMatchObject({ ok: false, error: `Interrupted: interrupted (${signalName})` });
    await waitFor(() => ![rfPid, ...children].some(isAlive), 'rf and its pool children to end');
    // Everything that arrived was written before rf exited: what was sent, less what the socket still held.
    const kept = sizeOf(part);
    expect(kept).toBeGreaterThanOrEqual(1024 * 1024);
    expect((await readdir(out)).sort()).toEqual(['.big.bin.part', '.big.bin.part.json']);

    const again = startRf([...args, '--processes', String(processes), '--retries', '0']);
    started.push(again.child.pid ?? 0);
    expect((await again.closed)[0]).toBe(0);
    expect(ranges).toEqual([`bytes=${kept}-`]);
    await expectWholeAndAlone(out, manifest);
  });
});
