/**
 * A part's claim made where its pid means nothing here: another pid namespace
 * (a container, a pod sharing the volume) or another machine (NFS). Such an
 * owner cannot be judged by its pid, so it renews its claim and a claim is
 * judged by that renewal instead: busy while renewed, taken over once it has
 * not been for PART_CLAIM_STALE_MS. And a writer whose claim was taken over
 * meanwhile, or whose part another writer wrote into, never renames it into
 * place: the file it would report complete is not the one it counted.
 */
import { describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { appendFile, lstat, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PartFileBusy } from '@requests-futures/core';
import { PART_CLAIM_STALE_MS, renewHeldClaims } from '../../dist/http/claim-renewal.js';
import { processStartTime } from '../../dist/http/process-liveness.js';
import { deadPid, useKilledAfterAll } from './support/claim-processes.js';
import { useDownloadFixture } from './support/fixture.js';
import { bodyOf, sha256 } from './support/lying-server.js';

const fixture = useDownloadFixture('rf-claim-elsewhere-');
const { send } = fixture;
const children = useKilledAfterAll();

const body = bodyOf(4000, 7);
const lockOf = (name: string) => join(fixture.dir, `.${name}.part.lock`);
const partOf = (name: string) => join(fixture.dir, `.${name}.part`);
const THIS_DOMAIN = `${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}/${readlinkSync('/proc/self/ns/pid')}`;

/** A claim as a writer in another container would leave it, renewed `ageMs` ago. */
async function foreignClaim(name: string, ageMs: number): Promise<string> {
  const text = JSON.stringify({ pid: await deadPid(), start: '1', token: 'theirs', domain: 'another-boot/pid:[4026530000]', host: 'pod-a' });
  await writeFile(lockOf(name), text);
  const renewed = new Date(Date.now() - ageMs);
  await utimes(lockOf(name), renewed, renewed);
  return text;
}

/** A part and its record, as an earlier writer left them. */
async function leavePart(name: string, url: string, bytes: number): Promise<void> {
  await writeFile(partOf(name), body.subarray(0, bytes));
  await writeFile(join(fixture.dir, `.${name}.part.json`), JSON.stringify({ validator: '"e"', url, total: body.length }));
}

/** Longer than the engine's one-go size (small-body.ts): such a body goes to a part, which is claimed as it is created. */
const long = bodyOf(200 * 1024, 8);

/** A route that sends the first half of `long` and then waits for `finish()` before the rest. */
function stalledRoute(path: string) {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const url = fixture.server.on(path, (_req, res) => {
    res.writeHead(200, { ETag: '"e"', 'Content-Length': long.length });
    res.write(long.subarray(0, 100 * 1024));
    void finished.then(() => res.end(long.subarray(100 * 1024)));
  });
  return { url, finish };
}

/** Waits until `path` exists: a part file exists once its writer holds the claim. */
async function appears(path: string): Promise<void> {
  while (!existsSync(path)) await new Promise((resolve) => setImmediate(resolve));
}

/** Waits until the part file holds at least `bytes` (the writer's batches reach the disk when its body is paused). */
async function partHolds(name: string, bytes: number): Promise<void> {
  for (;;) {
    const size = await lstat(partOf(name)).then((stat) => stat.size, () => 0);
    if (size >= bytes) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('a claim from another pid namespace or machine', () => {
  it('records where its pid means something: this boot and this pid namespace', async () => {
    const { url, finish } = stalledRoute('/recorded.bin');
    const saving = send(url, { saveTo: join(fixture.dir, 'recorded.bin'), resume: true });
    void saving.catch(() => undefined); // handled below; a failed expectation before must not leave it unhandled
    await appears(partOf('recorded.bin')); // made once the claim is held
    expect(JSON.parse(await readFile(lockOf('recorded.bin'), 'utf8'))).toMatchObject({ pid: process.pid, domain: THIS_DOMAIN });
    finish();
    expect((await saving).sha256).toBe(sha256(long));
    expect(existsSync(lockOf('recorded.bin'))).toBe(false);
  });

  it('is busy while it is renewed, though its pid is dead here, and nothing is sent', async () => {
    const url = fixture.server.serve('/renewed.bin', body, '"e"');
    await leavePart('renewed.bin', url, 1500);
    const text = await foreignClaim('renewed.bin', 5_000);
    const failure = send(url, { saveTo: join(fixture.dir, 'renewed.bin'), resume: true });
    await expect(failure).rejects.toThrow(PartFileBusy);
    await expect(failure).rejects.toThrow(/on pod-a, in another pid namespace or on another machine.*renewed \d+ s ago/);
    expect(fixture.server.ranges.get('/renewed.bin')).toBeUndefined();
    expect(await readFile(lockOf('renewed.bin'), 'utf8')).toBe(text);
    expect((await readFile(partOf('renewed.bin'))).length).toBe(1500);
  });

  it('is taken over once it has not been renewed for the stale limit, and the part resumed', async () => {
    const url = fixture.server.serve('/abandoned.bin', body, '"e"');
    await leavePart('abandoned.bin', url, 1500);
    await foreignClaim('abandoned.bin', PART_CLAIM_STALE_MS + 1_000);
    const r = await send(url, { saveTo: join(fixture.dir, 'abandoned.bin'), resume: true });
    expect(r.resumedFrom).toBe(1500);
    expect(r.sha256).toBe(sha256(body));
    expect((await readdir(fixture.dir)).filter((entry) => entry.includes('abandoned'))).toEqual(['abandoned.bin']);
  });

  it('is renewed by its owner while held, and only while held', async () => {
    const { url, finish } = stalledRoute('/held.bin');
    const saving = send(url, { saveTo: join(fixture.dir, 'held.bin'), resume: true });
    void saving.catch(() => undefined);
    await appears(partOf('held.bin'));
    const longAgo = new Date(Date.now() - 10 * PART_CLAIM_STALE_MS);
    await utimes(lockOf('held.bin'), longAgo, longAgo);
    const before = Date.now();
    await renewHeldClaims();
    expect((await lstat(lockOf('held.bin'))).mtimeMs).toBeGreaterThanOrEqual(before - 1_000);
    finish();
    await saving;
    expect(existsSync(lockOf('held.bin'))).toBe(false);
    await renewHeldClaims();
    expect(existsSync(lockOf('held.bin'))).toBe(false);
  });
});

describe('a writer that is no longer the part\'s only writer', () => {
  it('does not rename a part whose claim another writer took over meanwhile', async () => {
    const { url, finish } = stalledRoute('/taken.bin');
    const target = join(fixture.dir, 'taken.bin');
    const saving = send(url, { saveTo: target, resume: true });
    void saving.catch(() => undefined);
    await appears(partOf('taken.bin'));
    // What a takeover from elsewhere leaves: the claim is another's now.
    const theirs = JSON.stringify({ pid: 1, start: '1', token: 'new', domain: 'another-boot/pid:[4026530000]', host: 'pod-b' });
    await writeFile(lockOf('taken.bin'), theirs);
    finish();
    await expect(saving).rejects.toThrow(PartFileBusy);
    await expect(saving).rejects.toThrow(/taken over/);
    expect(existsSync(target)).toBe(false);
    expect(await readFile(lockOf('taken.bin'), 'utf8')).toBe(theirs);
    expect(existsSync(partOf('taken.bin'))).toBe(true);
  });

  it('does not report a part another writer appended to as complete, and drops the part', async () => {
    const name = 'interleaved.bin';
    const big = bodyOf(3 * 1024 * 1024, 9);
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const url = fixture.server.on(`/${name}`, (req, res) => {
      const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
      res.writeHead(206, { ETag: '"i"', 'Content-Length': big.length - start, 'Content-Range': `bytes ${start}-${big.length - 1}/${big.length}` });
      res.write(big.subarray(start, start + 1536 * 1024));
      void finished.then(() => res.end(big.subarray(start + 1536 * 1024)));
    });
    // A resumed part is appended to (O_APPEND): so is it by a writer whose claim went stale while it was frozen.
    await writeFile(partOf(name), big.subarray(0, 1000));
    await writeFile(join(fixture.dir, `.${name}.part.json`), JSON.stringify({ validator: '"i"', url, total: big.length }));
    const target = join(fixture.dir, name);
    const saving = send(url, { saveTo: target, resume: true });
    void saving.catch(() => undefined);
    await partHolds(name, 1000 + 1024 * 1024);
    await appendFile(partOf(name), Buffer.from("not the server's bytes"));
    finish();
    await expect(saving).rejects.toThrow(PartFileBusy);
    await expect(saving).rejects.toThrow(/another writer wrote into it, so it is not put in place and the part is dropped/);
    expect((await readdir(fixture.dir)).filter((entry) => entry.includes(name))).toEqual([]);
  });
});

/** Whether this machine lets us start a process in a pid namespace of its own (root, or CAP_SYS_ADMIN). */
const canUnshare = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', 'true']).status === 0;

(canUnshare ? describe : describe.skip)('a writer in a pid namespace of its own (unshare)', () => {
  it('holds its part against this namespace until its claim goes stale, then the part is resumed', async () => {
    const name = 'namespaced.bin';
    const target = join(fixture.dir, name);
    const big = bodyOf(3 * 1024 * 1024, 13);
    const sent = 1536 * 1024;
    const url = fixture.server.on(`/${name}`, (req, res) => {
      if (req.headers.range === undefined) {
        res.writeHead(200, { ETag: '"n"', 'Content-Length': big.length });
        res.write(big.subarray(0, sent));
        return; // stalls until the writer is killed
      }
      const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range)![1]);
      res.writeHead(206, { ETag: '"n"', 'Content-Length': big.length - start, 'Content-Range': `bytes ${start}-${big.length - 1}/${big.length}` });
      res.end(big.subarray(start));
    });
    const core = new URL('../../dist/index.js', import.meta.url).href;
    const script = `import { Session } from ${JSON.stringify(core)};
      await new Session().get(${JSON.stringify(url)}, { saveTo: ${JSON.stringify(target)}, resume: true });`;
    const writer = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, '--input-type=module', '-e', script], { stdio: 'ignore' });
    children.push(writer);
    await partHolds(name, 1);
    const claim = JSON.parse(await readFile(lockOf(name), 'utf8')) as { pid: number; domain: string };
    expect(claim.domain).not.toBe(THIS_DOMAIN);
    expect(claim.domain.startsWith(THIS_DOMAIN.split('/')[0]!)).toBe(true); // same boot, another namespace

    const busy = send(url, { saveTo: target, resume: true });
    await expect(busy).rejects.toThrow(PartFileBusy);
    await expect(busy).rejects.toThrow(/another pid namespace/);

    // unshare's child: the namespace's init, the node process that writes (its pid as seen from here).
    const inner = Number(readFileSync(`/proc/${writer.pid}/task/${writer.pid}/children`, 'utf8').trim().split(' ')[0]);
    expect(existsSync(`/proc/${inner}`)).toBe(true);
    writer.kill('SIGKILL'); // --kill-child: the namespace's writer dies with it
    await new Promise((resolve) => writer.once('exit', resolve));
    // Dead, whether or not whoever inherited it has reaped it yet.
    for (let start = await processStartTime(inner); start !== undefined && start !== 'zombie'; start = await processStartTime(inner)) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    const written = (await readFile(partOf(name))).length;
    // No one renews the claim now; rather than wait out the stale limit, age it.
    const longAgo = new Date(Date.now() - PART_CLAIM_STALE_MS - 1_000);
    await utimes(lockOf(name), longAgo, longAgo);
    const r = await send(url, { saveTo: target, resume: true });
    expect(r.resumedFrom).toBe(written);
    expect(r.sha256).toBe(sha256(big));
    expect((await readdir(fixture.dir)).filter((entry) => entry.includes(name))).toEqual([name]);
  });
});
