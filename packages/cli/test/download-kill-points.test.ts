/**
 * rf download killed at many points (SIGKILL of rf, SIGKILL of one of its
 * pool children, Ctrl-C to its process group), run again after each kill,
 * with and without --resume, on a list of small files and a few large ones,
 * one of which the server changes between runs. After every run: each `ok` manifest line's file is
 * on disk with the server's bytes, and every file visible in DIR is one the
 * server served whole (the engine renames only complete files). The last run
 * (--resume, not killed) must end with every file right, exit 0, and no
 * hidden file of the engine left behind.
 *
 * The kills are triggered by the server (the n-th request arrives, or a large
 * body reaches an offset), from a seeded schedule: no timing is waited on.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { transientFileOwner } from '@requests-futures/core/engine-files';
import { isAlive, listenOnLoopback } from '@requests-futures/testing';
import { startRf } from './helpers.js';
import { expectManifestMatchesDisk, readManifest } from './manifest-check.js';
import { childrenOf, startRfGroup, waitFor } from './process-watch.js';

const SMALL_FILES = 50;
const LARGE_FILES = 3;
const LARGE_BYTES = 2 * 1024 * 1024;
const CHUNK = 64 * 1024;

/** A small deterministic generator, so a failing schedule can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function bytesOf(name: string, version: number, size: number): Buffer {
  const seed = createHash('sha256').update(`${name}@${version}`).digest();
  const out = Buffer.alloc(size);
  for (let offset = 0; offset < size; offset += 32) createHash('sha256').update(seed).update(String(offset)).digest().copy(out, offset);
  return out;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

type Trigger = { kind: 'request'; n: number } | { kind: 'offset'; file: string; bytes: number };
/** SIGKILL of rf, SIGKILL of one pool child, or Ctrl-C (SIGINT to rf's process group, pool children included). */
type Victim = 'rf' | 'child' | 'ctrl-c';

interface Kill {
  trigger: Trigger;
  victim: Victim;
}

/** Serves /s/<i> (10-40 KiB) and /l/<i> (2 MiB, in 64 KiB writes), ETag + Range; kills rf (or a child) when the armed trigger fires. */
class KillServer {
  readonly server: Server;
  /** The version of each path: the server may change a file between runs. */
  readonly version = new Map<string, number>();
  /** sha256 of every version ever served whole or in part, by path. */
  readonly served = new Map<string, Set<string>>();
  private requests = 0;
  private armed: Kill | null = null;
  rfPid = 0;
  killed: number[] = [];
  /** Every pool child seen when a kill fired: none may outlive its run. */
  readonly children: number[] = [];
  private readonly open = new Set<ServerResponse>();

  constructor() {
    this.server = createServer((req, res) => this.answer(req.url ?? '/', req.headers.range, req.headers['if-range'], res));
  }

  body(urlPath: string): Buffer {
    const version = this.version.get(urlPath) ?? 1;
    const large = urlPath.startsWith('/l/');
    // A new version of a large file is another length too, so a kept old one is never mistaken for it.
    const size = large ? LARGE_BYTES + (version - 1) * 4099 : 10_240 + ((Number(urlPath.slice(3)) * 7919) % 30_720);
    return bytesOf(urlPath, version, size);
  }

  arm(kill: Kill | null): void {
    this.armed = kill;
    this.requests = 0;
    this.killed = [];
  }

  private fire(): void {
    const kill = this.armed;
    if (kill === null) return;
    this.armed = null;
    this.children.push(...childrenOf(this.rfPid));
    const victims = kill.victim === 'child' ? childrenOf(this.rfPid).slice(0, 1) : [this.rfPid];
    for (const pid of victims) {
      try {
        if (kill.victim === 'ctrl-c') process.kill(-pid, 'SIGINT');
        else process.kill(pid, 'SIGKILL');
        this.killed.push(pid);
      } catch {
        // Already gone.
      }
    }
  }

  private answer(url: string, range: string | undefined, ifRange: string | string[] | undefined, res: ServerResponse): void {
    const urlPath = new URL(url, 'http://x').pathname;
    this.requests += 1;
    if (this.armed?.trigger.kind === 'request' && this.requests >= this.armed.trigger.n) this.fire();
    const body = this.body(urlPath);
    const etag = `"${sha256(body).slice(0, 16)}"`;
    const digests = this.served.get(urlPath) ?? new Set<string>();
    digests.add(sha256(body));
    this.served.set(urlPath, digests);
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    const asked = /^bytes=(\d+)-$/.exec(range ?? '');
    const start = asked && (ifRange === undefined || ifRange === etag) ? Number(asked[1]) : 0;
    if (asked && start >= body.length) {
      res.writeHead(416, { ETag: etag, 'Content-Range': `bytes */${body.length}` }).end();
      return;
    }
    const headers = start > 0 || (asked && start === 0)
      ? { ETag: etag, 'Content-Length': body.length - start, 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` }
      : { ETag: etag, 'Content-Length': body.length };
    res.writeHead(start > 0 || asked ? 206 : 200, headers);
    this.send(urlPath, body, start, res);
  }

  /** Writes in 64 KiB steps, each after the last was taken, checking an offset trigger before each. */
  private send(urlPath: string, body: Buffer, from: number, res: ServerResponse): void {
    let offset = from;
    const next = () => {
      if (res.destroyed) return;
      const trigger = this.armed?.trigger;
      if (trigger?.kind === 'offset' && trigger.file === urlPath && offset >= trigger.bytes) this.fire();
      if (offset >= body.length) {
        res.end();
        return;
      }
      const chunk = body.subarray(offset, offset + CHUNK);
      offset += chunk.length;
      res.write(chunk, () => next());
    };
    next();
  }

  closeConnections(): void {
    for (const res of this.open) res.destroy();
  }
}

/** The engine files under `dir` that one of `pids` made and still owns: transients named with its pid, claims naming it. */
async function heldBy(dir: string, pids: number[]): Promise<string[]> {
  const held: string[] = [];
  for (const name of await walk(dir).catch(() => [])) {
    const base = path.posix.basename(name);
    let owner = transientFileOwner(base);
    if (owner === null && base.endsWith('.part.lock')) owner = (JSON.parse(await readFile(path.join(dir, name), 'utf8')) as { pid?: number }).pid ?? null;
    if (owner !== null && pids.includes(owner)) held.push(name);
  }
  return held;
}

/** Every name under `dir` (recursively), '/'-separated. */
async function walk(dir: string, prefix = ''): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const relative = `${prefix}${entry.name}`;
    if (entry.isDirectory()) names.push(...(await walk(path.join(dir, entry.name), `${relative}/`)));
    else names.push(relative);
  }
  return names;
}

describe('rf download killed at random points, then run again', () => {
  let work: string;
  const started: number[] = [];

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'rf-kill-points-'));
  });
  afterAll(async () => {
    for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await rm(work, { recursive: true, force: true });
  });

  /** RF_KILL_SEED=N replays (or explores) another schedule. */
  const replay = process.env.RF_KILL_SEED === undefined ? undefined : Number(process.env.RF_KILL_SEED);
  it.each([
    [0, replay ?? 20261206],
    [2, replay ?? 4242],
  ])('--processes %d, schedule seed %d: every ok line right after every kill; the last --resume run leaves every file right and nothing hidden', async (processes, seed) => {
    const random = seeded(seed);
    const killer = new KillServer();
    const port = await listenOnLoopback(killer.server);
    const base = `http://127.0.0.1:${port}`;
    const paths = [
      ...Array.from({ length: SMALL_FILES }, (_, i) => `/s/${i}`),
      ...Array.from({ length: LARGE_FILES }, (_, i) => `/l/${i}`),
    ];
    // The large files among the small ones, so kills land in both.
    const order = [...paths].sort((a, b) => (sha256(Buffer.from(a)) < sha256(Buffer.from(b)) ? -1 : 1));
    const list = path.join(work, `list-${processes}.txt`);
    const out = path.join(work, `out-${processes}`);
    const manifest = path.join(work, `manifest-${processes}.jsonl`);
    await writeFile(list, order.map((p) => `${base}${p}\t${p.slice(1)}`).join('\n'));
    const kills: Kill[] = [];
    for (let round = 0; round < 4; round++) {
      const victim: Victim = round === 2 ? 'ctrl-c' : processes > 0 && round % 2 === 1 ? 'child' : 'rf';
      const trigger: Trigger = random() < 0.5
        ? { kind: 'request', n: 1 + Math.floor(random() * (paths.length - 1)) }
        : { kind: 'offset', file: `/l/${Math.floor(random() * LARGE_FILES)}`, bytes: Math.floor(random() * LARGE_BYTES) };
      kills.push({ trigger, victim });
    }
    const log: string[] = [];
    try {
      for (const [round, kill] of kills.entries()) {
        // The first run has no --resume (its temporaries carry its pid), the next two have, the fourth again not (it
        // leaves the killed --resume runs' parts for the last run, which has).
        const resume = round !== 0 && round !== 3;
        // One large file changes between runs: a part of the old version must not be continued with the new one's bytes.
        if (round === 2) killer.version.set('/l/0', 2);
        killer.arm(kill);
        const childrenSeen = killer.children.length;
        const rf = (kill.victim === 'ctrl-c' ? startRfGroup : startRf)(['download', list, '-o', out, '-j', '4', '--processes', String(processes), '--retries', '2', '--manifest', manifest, ...(resume ? ['--resume'] : [])]);
        killer.rfPid = rf.child.pid ?? 0;
        started.push(killer.rfPid);
        const [code, signal] = await rf.closed;
        killer.closeConnections();
        log.push(`round ${round} ${JSON.stringify(kill)} resume=${resume} -> code ${code} signal ${signal} killed ${killer.killed.length}`);
        if (kill.victim === 'child') expect({ round, code, stderr: rf.output().stderr }).toMatchObject({ round, code: expect.any(Number) });
        if (kill.victim === 'ctrl-c' && killer.killed.length > 0) {
          expect({ round, code }).toEqual({ round, code: 130 });
          // Interrupted, not killed: every process of the run let go of what it held (its temporaries, its claims).
          const runPids = [killer.rfPid, ...killer.children.slice(childrenSeen)];
          expect({ round, held: await heldBy(out, runPids) }).toEqual({ round, held: [] });
        }
        const entries = await readManifest(manifest).catch(() => []);
        await expectManifestMatchesDisk(entries, out);
        for (const entry of entries.filter((e) => e.ok)) {
          expect({ round, path: entry.path, served: killer.served.get(`/${entry.path}`)?.has(entry.sha256 ?? '') }).toEqual({ round, path: entry.path, served: true });
        }
        // A file visible under its name is one the server served whole: never a part, never a mix of versions.
        for (const name of await walk(out).catch(() => [])) {
          if (path.posix.basename(name).startsWith('.')) continue;
          const digest = sha256(await readFile(path.join(out, name)));
          expect({ round, name, served: killer.served.get(`/${name}`)?.has(digest) }).toEqual({ round, name, served: true });
        }
      }
      killer.arm(null);
      const last = startRf(['download', list, '-o', out, '-j', '4', '--processes', String(processes), '--retries', '0', '--manifest', manifest, '--resume']);
      started.push(last.child.pid ?? 0);
      const [code] = await last.closed;
      log.push(`last run -> ${code}: ${last.output().stdout.split('\n').find((l) => l.startsWith('Summary')) ?? last.output().stderr}`);
      expect({ code, log }).toEqual({ code: 0, log });
      expect(last.output().stdout).toMatch(new RegExp(`Summary: ${paths.length} ok`));
      const entries = await readManifest(manifest);
      expect(entries.filter((e) => e.ok)).toHaveLength(paths.length);
      await expectManifestMatchesDisk(entries, out);
      for (const p of paths) {
        expect({ p, sha256: sha256(await readFile(path.join(out, p.slice(1)))) }).toEqual({ p, sha256: sha256(killer.body(p)) });
      }
      expect({ hidden: (await walk(out)).filter((name) => path.posix.basename(name).startsWith('.')), log }).toEqual({ hidden: [], log });
      await waitFor(() => ![...started, ...killer.children].some(isAlive), 'every rf and pool child to end');
    } finally {
      killer.closeConnections();
      killer.server.close();
    }
  });
});
