/**
 * A worker SIGKILLed in the middle of a bulk download (saveTo through
 * ProcessPoolExecutor): only the download it was running fails, with
 * BrokenProcessPool; every other file arrives whole under its final name;
 * what is left on disk is resumable or nothing.
 *
 * With `retries` on, nothing retries the killed download: retries run inside
 * the request, in the child that died, and BrokenProcessPool is the
 * executor's failure, not the request's. Resubmitting it (with `resume: true`)
 * continues from the part the dead child wrote.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BrokenProcessPool, FuturesSession, ProcessPoolExecutor, type Response } from '@requests-futures/core';
import { removeTemporaryFilesOf } from '../../dist/session/orphaned-parts.js';
import { startFileServer, type FileServer } from './support/file-server.js';
import { hiddenEntries, isAlive, MiB, rejectionOf, removeDir, seededFiles, sha256, sha256OfFile, tempDir } from './support/helpers.js';
import { watchProgress } from './support/progress.js';

/** Progress is reported every 256 KiB: a download that got `bytes` has reported more than this. */
const reportedBy = (bytes: number) => bytes - 256 * 1024;

let server: FileServer | undefined;
let dir: string | undefined;
const executors: ProcessPoolExecutor[] = [];
const sessions: FuturesSession[] = [];

afterEach(async () => {
  const pids = executors.flatMap((e) => e.stats().workers);
  await Promise.all(sessions.splice(0).map((s) => s.close({ abort: true })));
  await Promise.all(executors.splice(0).map((e) => e.shutdown({ cancelFutures: true, abort: true })));
  await server?.close();
  await removeDir(dir);
  server = dir = undefined;
  expect(pids.filter(isAlive)).toEqual([]);
});

function pool(options: ConstructorParameters<typeof ProcessPoolExecutor>[0]): ProcessPoolExecutor {
  const executor = new ProcessPoolExecutor(options);
  executors.push(executor);
  return executor;
}

function sessionOn(executor: ProcessPoolExecutor, options: ConstructorParameters<typeof FuturesSession>[0] = {}): FuturesSession {
  const session = new FuturesSession({ executor, ...options });
  sessions.push(session);
  return session;
}

type Outcome = { index: number; response: Response } | { index: number; error: unknown };

describe('SIGKILL of a worker in the middle of a bulk download', () => {
  it('fails only the killed download, finishes the others whole, leaves only its resumable part, and a resubmit resumes it', async () => {
    const files = seededFiles(Array.from({ length: 8 }, (_, i) => 8 * MiB + i * MiB));
    const names = [...files.keys()];
    server = await startFileServer({ files });
    dir = await tempDir('kill');
    // One download per child at a time, so a killed child takes exactly one download with it.
    const executor = pool({ maxWorkers: 2, concurrencyPerWorker: 1 });
    const session = sessionOn(executor, { retries: { limit: 3 } });
    const progress = watchProgress(executor);

    // The first two downloads (one in each child) pause halfway through their body.
    const half = 4 * MiB;
    const paused = names.slice(0, 2).map((name) => server!.holdAfter(name, half));
    const inputs = names.map((name, index) => ({ url: `${server!.url}/files/${name}`, saveTo: join(dir!, name), resume: true, meta: index }));
    const outcomes: Outcome[] = [];
    let failed!: (outcome: Outcome) => void;
    const firstFailure = new Promise<Outcome>((resolve) => (failed = resolve));
    const consumed = (async () => {
      for await (const future of session.map(inputs)) {
        const index = future.meta as number;
        try {
          outcomes.push({ index, response: await future.result() });
        } catch (error) {
          outcomes.push({ index, error });
          failed({ index, error });
        }
      }
    })();

    await Promise.all(paused);
    await Promise.all([0, 1].map((index) => progress.reached(index, reportedBy(half))));
    const [victim, survivor] = executor.stats().workers as [number, number];
    process.kill(victim, 'SIGKILL');
    // The killed download fails on its own, while the survivor's is still paused; that one carries on once released.
    const killed = await firstFailure;
    names.slice(0, 2).forEach((name) => server!.release(name));
    await consumed;
    progress.stop();

    // Exactly one failure: the download the killed child was running, with BrokenProcessPool naming it.
    expect(outcomes).toHaveLength(8);
    const failures = outcomes.filter((o): o is { index: number; error: unknown } => 'error' in o);
    expect(failures).toEqual([killed]);
    expect([0, 1]).toContain(killed.index);
    const error = (killed as { error: unknown }).error as BrokenProcessPool;
    expect(error).toBeInstanceOf(BrokenProcessPool);
    expect(error.pid).toBe(victim);
    expect(error.signal).toBe('SIGKILL');
    // retries: 3 did not re-send it: the request died with its child, and the executor does not resubmit.
    const failedName = names[killed.index]!;
    expect(server.requests.filter((r) => r.path === `/files/${failedName}`)).toHaveLength(1);

    // Every other file is whole under its final name.
    for (const outcome of outcomes) {
      if (!('response' in outcome)) continue;
      const name = names[outcome.index]!;
      const expected = files.get(name)!;
      expect(outcome.response.statusCode).toBe(200);
      expect(outcome.response.bytes).toBe(expected.length);
      expect(outcome.response.sha256).toBe(sha256(expected));
      expect(await sha256OfFile(join(dir, name))).toBe(sha256(expected));
    }
    expect((await readdir(dir)).filter((n) => !n.startsWith('.')).sort()).toEqual(names.filter((n) => n !== failedName).sort());

    // Nothing partial under a final name, and the only leftovers are the killed download's resumable part and
    // record, and its claim on the part, naming the dead child (taken over by the resubmit below).
    expect(await hiddenEntries(dir)).toEqual([`.${failedName}.part`, `.${failedName}.part.json`, `.${failedName}.part.lock`]);
    expect(JSON.parse(await readFile(join(dir, `.${failedName}.part.lock`), 'utf8'))).toMatchObject({ pid: victim });
    const part = await readFile(join(dir, `.${failedName}.part`));
    const full = files.get(failedName)!;
    expect(part.length).toBeGreaterThan(0);
    expect(part.length).toBeLessThanOrEqual(half);
    expect(part.equals(full.subarray(0, part.length))).toBe(true);

    // The pool replaced the child; resubmitting the download resumes from the part.
    expect(isAlive(victim)).toBe(false);
    expect(executor.stats().workers).toHaveLength(2);
    expect(executor.stats().workers).not.toContain(victim);
    expect(executor.stats().workers).toContain(survivor);
    const resumed = await session.get(`${server.url}/files/${failedName}`, { saveTo: join(dir, failedName), resume: true });
    expect(resumed.statusCode).toBe(206);
    expect(resumed.resumedFrom).toBe(part.length);
    expect(resumed.sha256).toBe(sha256(full));
    expect(await sha256OfFile(join(dir, failedName))).toBe(sha256(full));
    const lastRequest = server.requests[server.requests.length - 1]!;
    expect(lastRequest).toMatchObject({ path: `/files/${failedName}`, range: `bytes=${part.length}-`, ifRange: server.etagOf(failedName), status: 206 });
    expect(await hiddenEntries(dir)).toEqual([]);
  });

  it('without resume, the coordinator removes the temporary file the killed child was writing', async () => {
    const files = seededFiles([8 * MiB]);
    const [name] = [...files.keys()] as [string];
    server = await startFileServer({ files });
    dir = await tempDir('kill-plain');
    const executor = pool({ maxWorkers: 1 });
    const session = sessionOn(executor);
    const progress = watchProgress(executor);
    const half = 4 * MiB;
    const paused = server.holdAfter(name, half);

    const future = session.get(`${server.url}/files/${name}`, { saveTo: join(dir, name), meta: 'plain' });
    await paused;
    await progress.reached('plain', reportedBy(half));
    const [child] = executor.stats().workers as [number];
    // The child's temporary file is there, named after it...
    expect(await hiddenEntries(dir)).toEqual([expect.stringMatching(new RegExp(`^\\.${name.replace('.', '\\.')}\\.${child}-[0-9a-f]{12}\\.part$`))]);
    process.kill(child, 'SIGKILL');
    const error = (await rejectionOf(future)) as BrokenProcessPool;
    expect(error).toBeInstanceOf(BrokenProcessPool);
    expect(error.pid).toBe(child);
    // ...and gone by the time the future fails: no final file, no temporary file.
    expect(await readdir(dir)).toEqual([]);
    server.release(name);
    progress.stop();

    // The replacement child downloads it whole.
    const again = await session.get(`${server.url}/files/${name}`, { saveTo: join(dir, name) });
    expect(again.sha256).toBe(sha256(files.get(name)!));
    expect(await readdir(dir)).toEqual([name]);
  });

  it('removes only the dead process\'s temporary files for that target', async () => {
    dir = await tempDir('orphans');
    const target = join(dir, 'data.bin');
    const keep = ['data.bin', '.data.bin.222-0123456789ab.part', '.data.bin.part', '.data.bin.part.json', '.other.bin.111-0123456789ab.part', '.data.bin.111-xyz.part'];
    for (const name of [...keep, '.data.bin.111-0123456789ab.part', '.data.bin.111-ba9876543210.part']) await writeFile(join(dir, name), 'x');
    await removeTemporaryFilesOf(target, 111);
    expect((await readdir(dir)).sort()).toEqual([...keep].sort());
  });
});
