/**
 * One writer per resumable part file (issue 12, finding 1): a second writer
 * fails with PartFileBusy while the owner lives (another request of this
 * process, or another process, on both executors), and takes over the claim
 * of a dead owner, or of a live pid that is not the process that claimed it
 * (its start time differs: the pid was reused).
 */
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PartFileBusy, RequestException } from '@requests-futures/core';
import { processStartTime } from '../../dist/http/process-liveness.js';
import { executorCases } from '../session/executors.js';
import { deadPid, useKilledAfterAll } from './support/claim-processes.js';
import { useDownloadFixture, useSessionOn } from './support/fixture.js';
import { bodyOf, sha256 } from './support/lying-server.js';

const fixture = useDownloadFixture('rf-claim-');
const { send } = fixture;
const children = useKilledAfterAll();

const body = bodyOf(4000, 5);

/** A process that lives until killed, and its /proc start time. */
async function liveProcess(): Promise<{ pid: number; start: string }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  return { pid: child.pid!, start: (await processStartTime(child.pid!))! };
}

const lockOf = (name: string) => join(fixture.dir, `.${name}.part.lock`);

describe('the claim on a part file', () => {
  it('a second request for the same target fails with PartFileBusy while the first writes; the first completes', async () => {
    // Past the engine's one-go size (small-body.ts): the body goes to a part, claimed as it is created.
    const long = bodyOf(200 * 1024, 6);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const url = fixture.server.on('/slow.bin', (_req, res) => {
      res.writeHead(200, { ETag: '"s"', 'Content-Length': long.length });
      res.write(long.subarray(0, 100 * 1024));
      void held.then(() => res.end(long.subarray(100 * 1024)));
    });
    const target = join(fixture.dir, 'slow.bin');
    const first = send(url, { saveTo: target, resume: true });
    void first.catch(() => undefined); // awaited below; a failed expectation before must not leave it unhandled
    // The part is made once the claim is held.
    while (!existsSync(join(fixture.dir, '.slow.bin.part'))) await new Promise((resolve) => setImmediate(resolve));
    const second = send(url, { saveTo: target, resume: true });
    await expect(second).rejects.toThrow(PartFileBusy);
    await expect(second).rejects.toThrow(`pid ${process.pid}`);
    release();
    expect((await first).sha256).toBe(sha256(long));
    expect((await readdir(fixture.dir)).filter((name) => name.includes('slow'))).toEqual(['slow.bin']);
    expect(fixture.server.ranges.get('/slow.bin')).toHaveLength(1);
  });

  it('two requests for one target whose body is within the one-go size both complete: no part, nothing to guard', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let headersSent!: () => void;
    const started = new Promise<void>((resolve) => (headersSent = resolve));
    const url = fixture.server.on('/small-twice.bin', (_req, res) => {
      res.writeHead(200, { ETag: '"s"', 'Content-Length': body.length });
      res.write(body.subarray(0, 1000), () => headersSent());
      void held.then(() => res.end(body.subarray(1000)));
    });
    const target = join(fixture.dir, 'small-twice.bin');
    const first = send(url, { saveTo: target, resume: true });
    await started;
    const second = send(url, { saveTo: target, resume: true });
    release();
    expect((await first).sha256).toBe(sha256(body));
    expect((await second).sha256).toBe(sha256(body));
    expect((await readdir(fixture.dir)).filter((name) => name.includes('small-twice'))).toEqual(['small-twice.bin']);
  });

  it('refuses a part claimed by another live process, and sends nothing', async () => {
    const owner = await liveProcess();
    const url = fixture.server.serve('/owned.bin', body);
    await writeFile(lockOf('owned.bin'), JSON.stringify({ pid: owner.pid, start: owner.start, token: 't' }));
    const failure = send(url, { saveTo: join(fixture.dir, 'owned.bin'), resume: true });
    await expect(failure).rejects.toThrow(PartFileBusy);
    await expect(failure).rejects.toThrow(`process ${owner.pid}`);
    expect(fixture.server.ranges.get('/owned.bin')).toBeUndefined();
    expect(JSON.parse(await readFile(lockOf('owned.bin'), 'utf8'))).toMatchObject({ pid: owner.pid });
  });

  it.each([
    ['a dead owner', async () => ({ pid: await deadPid(), start: '1' })],
    ['a reused pid (alive, but started at another time)', async () => ({ pid: process.pid, start: '1' })],
    ['an unreadable claim', async () => null],
  ])('takes over the claim of %s, resumes the part and removes the claim', async (label, owner) => {
    const name = `taken-${label.split(' ')[1]}.bin`;
    const url = fixture.server.serve(`/${name}`, body, '"t"');
    await writeFile(join(fixture.dir, `.${name}.part`), body.subarray(0, 1500));
    await writeFile(join(fixture.dir, `.${name}.part.json`), JSON.stringify({ validator: '"t"', url, total: body.length }));
    const found = await owner();
    await writeFile(lockOf(name), found === null ? 'garbage' : JSON.stringify({ ...found, token: 'old' }));
    const r = await send(url, { saveTo: join(fixture.dir, name), resume: true });
    expect(r.resumedFrom).toBe(1500);
    expect(r.sha256).toBe(sha256(body));
    expect((await readdir(fixture.dir)).filter((entry) => entry.includes(name))).toEqual([name]);
  });
});

describe('a writer killed with SIGKILL', () => {
  it('leaves a claim that a rerun takes over, resuming the part the dead writer wrote', async () => {
    const name = 'killed.bin';
    const target = join(fixture.dir, name);
    // Over one write batch (1 MiB) before the stall, so bytes reach the part file before the kill.
    const big = bodyOf(3 * 1024 * 1024, 11);
    const sent = 1536 * 1024;
    const url = fixture.server.on(`/${name}`, (req, res) => {
      if (req.headers.range === undefined) {
        // The first writer gets 1.5 MiB, then the transfer stalls until its process is killed.
        res.writeHead(200, { ETag: '"k"', 'Content-Length': big.length });
        res.write(big.subarray(0, sent));
        return;
      }
      const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range)![1]);
      res.writeHead(206, { ETag: '"k"', 'Content-Length': big.length - start, 'Content-Range': `bytes ${start}-${big.length - 1}/${big.length}` });
      res.end(big.subarray(start));
    });
    const core = new URL('../../dist/index.js', import.meta.url).href;
    const script = `import { Session } from ${JSON.stringify(core)};
      await new Session().get(${JSON.stringify(url)}, { saveTo: ${JSON.stringify(target)}, resume: true });`;
    const writer = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
    children.push(writer);
    const part = join(fixture.dir, `.${name}.part`);
    const deadline = Date.now() + 20_000;
    let written = 0;
    while (written === 0) {
      if (Date.now() > deadline) throw new Error('the writer never wrote to its part file');
      await new Promise((resolve) => setTimeout(resolve, 20));
      written = existsSync(part) ? (await readFile(part)).length : 0;
    }
    expect(JSON.parse(await readFile(lockOf(name), 'utf8'))).toMatchObject({ pid: writer.pid });
    writer.kill('SIGKILL');
    await new Promise((resolve) => writer.once('exit', resolve));
    expect(existsSync(`/proc/${writer.pid}`)).toBe(false);

    const r = await send(url, { saveTo: target, resume: true });
    expect(r.resumedFrom).toBeGreaterThanOrEqual(written);
    expect(r.resumedFrom).toBeLessThanOrEqual(sent);
    expect(r.sha256).toBe(sha256(big));
    expect((await readdir(fixture.dir)).filter((entry) => entry.includes(name))).toEqual([name]);
  });
});

describe.each(executorCases)('PartFileBusy through FuturesSession on $name', ({ make }) => {
  const pool = useSessionOn(make);

  it('keeps its class across the process boundary', async () => {
    const owner = await liveProcess();
    const name = `busy-${pool.executor.constructor.name}.bin`;
    const url = fixture.server.serve(`/${name}`, body);
    await writeFile(lockOf(name), JSON.stringify({ pid: owner.pid, start: owner.start, token: 't' }));
    const error = await pool.session.get(url, { saveTo: join(fixture.dir, name), resume: true }).exception();
    expect(error).toBeInstanceOf(PartFileBusy);
    expect(error).toBeInstanceOf(RequestException);
    expect((error as PartFileBusy).code).toBe('ERR_PART_FILE_BUSY');
  });
});
