/**
 * `rf download --redis URL --queue NAME`: the list is enqueued lazily and the
 * files are written by two `rf worker` processes, checked as usual.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { seededBytes, startHttpbin, startRedisServer, type Httpbin, type RedisServer } from '@requests-futures/testing';
import { RF, startWorker, type WorkerProcess } from './support/fleet.js';

let redis: RedisServer;
let httpbin: Httpbin;
let workers: WorkerProcess[];
let dir: string;

beforeAll(async () => {
  redis = await startRedisServer();
  httpbin = await startHttpbin();
  workers = [await startWorker(redis.url, 'downloads', 'dl-a'), await startWorker(redis.url, 'downloads', 'dl-b')];
  dir = await mkdtemp(join(tmpdir(), 'rf-distributed-'));
});

afterAll(async () => {
  for (const worker of workers ?? []) expect(await worker.stop()).toBe(0);
  await httpbin?.close();
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('rf download --redis', () => {
  it('downloads a list through the workers, writes the manifest and leaves no job in Redis', async () => {
    const sizes = [1_000, 70_000, 300_000, 5, 123_456, 2_000_000];
    const lines = sizes.map((n, i) => {
      const sha = createHash('sha256').update(seededBytes(n, i)).digest('hex');
      return `${httpbin.url}/bytes/${n}?seed=${i}\tfile-${i}.bin\tsha256=${sha}`;
    });
    await writeFile(join(dir, 'list.txt'), `${lines.join('\n')}\n`);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [RF, 'download', join(dir, 'list.txt'), '-o', join(dir, 'out'), '--redis', redis.url, '--queue', 'downloads', '-j', '4', '--manifest', join(dir, 'manifest.jsonl'), '-q'],
      { timeout: 60_000 },
    );
    expect(stdout).toMatch(/6 ok, 0 failed/);
    for (const [i, n] of sizes.entries()) expect((await readFile(join(dir, 'out', `file-${i}.bin`))).equals(seededBytes(n, i))).toBe(true);
    const manifest = (await readFile(join(dir, 'manifest.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { ok: boolean });
    expect(manifest).toHaveLength(6);
    expect(manifest.every((entry) => entry.ok)).toBe(true);
    expect(await redis.command('KEYS', 'rf:downloads:rf*')).toEqual([]);
  });

  it('refuses --redis without --queue, and with --processes, as usage errors', async () => {
    const run = (args: string[]) => promisify(execFile)(process.execPath, [RF, 'download', join(dir, 'list.txt'), '-o', join(dir, 'x'), ...args]).then(() => 0, (error: { code: number; stderr: string }) => error);
    expect(await run(['--redis', redis.url])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--redis URL and --queue NAME go together/) });
    expect(await run(['--redis', redis.url, '--queue', 'q', '--processes', '2'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--processes and --redis/) });
  });
});
