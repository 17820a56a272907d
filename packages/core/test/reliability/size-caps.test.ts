/**
 * maxResponseBytes, through FuturesSession on both executors: a session-wide
 * cap and a per-request one (which wins, null lifting it), counted after
 * decompression so a gzip bomb stops at the cap, ending the transfer (the
 * server sees the client hang up) with ContentTooLarge, and with saveTo
 * leaving no temporary file behind.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentTooLarge, FuturesSession, RequestException, type Executor } from '@requests-futures/core';
import { seededBytes, startHttpbin, type Httpbin } from '@requests-futures/testing';
import { BOMB_INFLATED_BYTES, startBodyBombServer, type BodyBombServer } from './support/body-bomb-server.js';
import { executorCases } from './support/executors.js';
import { errorOf } from './support/outcome.js';

const MiB = 1024 * 1024;

/** The byte count ContentTooLarge reports ("(N bytes received so far)"). */
function bytesReceived(error: Error): number {
  const match = /\((\d+) bytes received/.exec(error.message);
  if (!match) throw new Error(`ContentTooLarge message has no byte count: ${error.message}`);
  return Number(match[1]);
}

describe.each(executorCases)('maxResponseBytes, FuturesSession on $name', ({ make }) => {
  let httpbin: Httpbin;
  let bombs: BodyBombServer;
  let executor: Executor;
  let dir: string;
  const sessions: FuturesSession[] = [];
  const session = (options: ConstructorParameters<typeof FuturesSession>[0] = {}): FuturesSession => {
    const created = new FuturesSession({ executor, ...options });
    sessions.push(created);
    return created;
  };

  beforeAll(async () => {
    [httpbin, bombs, dir] = await Promise.all([startHttpbin(), startBodyBombServer(), mkdtemp(join(tmpdir(), 'rf-caps-'))]);
    executor = make();
  });
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    await executor.shutdown();
    await Promise.all([httpbin.close(), bombs.close(), rm(dir, { recursive: true, force: true })]);
  });

  it('a session-wide cap lets a body of exactly the cap through and stops one byte more with ContentTooLarge', async () => {
    const s = session({ maxResponseBytes: 1000 });
    expect((await s.get(`${httpbin.url}/bytes/1000`)).content.length).toBe(1000);
    const error = await errorOf(() => s.get(`${httpbin.url}/bytes/1001`));
    expect(error).toBeInstanceOf(ContentTooLarge);
    expect(error).toBeInstanceOf(RequestException);
    expect(error.message).toContain('maxResponseBytes=1000');
    expect(error.message).toContain(`${httpbin.url}/bytes/1001`);
  });

  it('a per-request cap overrides the session\'s, and null lifts it', async () => {
    const s = session({ maxResponseBytes: 1000 });
    expect((await s.get(`${httpbin.url}/bytes/4000`, { maxResponseBytes: 5000 })).content.length).toBe(4000);
    expect((await s.get(`${httpbin.url}/bytes/100000`, { maxResponseBytes: null })).content.length).toBe(100000);
    await expect(s.get(`${httpbin.url}/bytes/100`, { maxResponseBytes: 10 }).result()).rejects.toBeInstanceOf(ContentTooLarge);
  });

  it('counts after decompression: a 64 KiB gzip bomb inflating to 64 MiB stops at the cap', async () => {
    const s = session();
    const error = await errorOf(() => s.get(`${bombs.url}/bomb`, { maxResponseBytes: MiB }));
    expect(error).toBeInstanceOf(ContentTooLarge);
    expect(bytesReceived(error)).toBeGreaterThan(MiB);
    // Stopped within a few decompressed chunks of the cap, nowhere near the whole bomb.
    expect(bytesReceived(error)).toBeLessThan(BOMB_INFLATED_BYTES / 8);
  });

  it('aborts the transfer of a body that never ends: the server sees the client hang up', async () => {
    const s = session({ maxResponseBytes: 256 * 1024 });
    const error = await errorOf(() => s.get(`${bombs.url}/endless`));
    expect(error).toBeInstanceOf(ContentTooLarge);
    // Resolves only once the server saw the client close the response before its end.
    await bombs.endlessAbandoned(1);
  });

  it('with saveTo, a body over the session cap leaves neither the target, nor a temporary file, nor the directory it created', async () => {
    const s = session({ maxResponseBytes: 10_000 });
    const target = join(dir, 'over-cap', 'file.bin');
    const error = await errorOf(() => s.get(`${httpbin.url}/stream-bytes/200000?chunk_size=1000`, { saveTo: target }));
    expect(error).toBeInstanceOf(ContentTooLarge);
    await expect(readdir(join(dir, 'over-cap'))).rejects.toThrow('ENOENT');

    const bombTarget = join(dir, 'bomb', 'file.bin');
    const bomb = await errorOf(() => s.get(`${bombs.url}/bomb`, { saveTo: bombTarget, maxResponseBytes: MiB }));
    expect(bomb).toBeInstanceOf(ContentTooLarge);
    await expect(readdir(join(dir, 'bomb'))).rejects.toThrow('ENOENT');
  });

  it('with saveTo, an existing file is left as it was when the new body is over the cap', async () => {
    const s = session();
    const target = join(dir, 'existing', 'keep.bin');
    await s.get(`${httpbin.url}/bytes/10`, { saveTo: target });
    await writeFile(target, 'old contents');
    const error = await errorOf(() => s.get(`${httpbin.url}/bytes/5000`, { saveTo: target, maxResponseBytes: 100 }));
    expect(error).toBeInstanceOf(ContentTooLarge);
    expect(await readFile(target, 'utf8')).toBe('old contents');
    expect(await readdir(join(dir, 'existing'))).toEqual(['keep.bin']);
  });

  it('with saveTo, a body within the cap is saved whole', async () => {
    const s = session({ maxResponseBytes: 50_000 });
    const target = join(dir, 'within', 'file.bin');
    const response = await s.get(`${httpbin.url}/bytes/50000?seed=7`, { saveTo: target });
    expect(response.savedTo).toBe(target);
    expect((await readFile(target)).equals(seededBytes(50000, 7))).toBe(true);
    expect(await readdir(join(dir, 'within'))).toEqual(['file.bin']);
  });
});
