/**
 * `maxBytesPerSecond` (token-bucket.ts, byte-grants.ts): the rate achieved
 * over a mix of downloads (streamed to disk, small files, a body read into
 * memory) is the limit within ±10 %, in this process and across two
 * children; pausing stops the socket (the server's sends stall); a child
 * that dies owing grants does not hold the others back.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuturesSession, ProcessPoolExecutor, ThreadPoolExecutor, type Executor } from '@requests-futures/core';
import { listenOnLoopback } from '@requests-futures/testing';
import { ByteGrants } from '../../dist/executors/byte-grants.js';
import { TokenBucket } from '../../dist/executors/token-bucket.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const LIMIT = 1 * MiB;

let server: Server;
let base: string;
let dir: string;
/** Bytes the server handed to the socket per path (what it could send, not what the client read). */
const written = new Map<string, number>();

/** Writes `size` bytes as fast as the socket takes them, counting what the socket accepted. */
function sendBytes(res: ServerResponse, path: string, size: number): void {
  const chunk = Buffer.alloc(64 * KiB, 0x5a);
  let sent = 0;
  written.set(path, 0);
  const pump = (): void => {
    while (sent < size) {
      const piece = chunk.subarray(0, Math.min(chunk.length, size - sent));
      sent += piece.length;
      written.set(path, sent);
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  res.writeHead(200, { 'Content-Length': size, 'Content-Type': 'application/octet-stream' });
  pump();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rf-rate-'));
  server = createServer((req, res) => {
    const size = /^\/bytes\/(\d+)/.exec(req.url ?? '');
    if (!size) {
      res.writeHead(404).end();
      return;
    }
    sendBytes(res, req.url!, Number(size[1]));
  });
  base = `http://127.0.0.1:${await listenOnLoopback(server)}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** 4 MiB in all: four streamed files, sixteen small ones (the one-chunk path) and one body held in memory. */
async function downloadMix(session: FuturesSession, tag: string): Promise<{ bytes: number; seconds: number }> {
  const started = performance.now();
  const futures = [
    ...Array.from({ length: 4 }, (_, i) => session.get(`${base}/bytes/${832 * KiB}?${tag}-big-${i}`, { saveTo: join(dir, `${tag}-big-${i}`) })),
    ...Array.from({ length: 16 }, (_, i) => session.get(`${base}/bytes/${16 * KiB}?${tag}-small-${i}`, { saveTo: join(dir, `${tag}-small-${i}`) })),
    session.get(`${base}/bytes/${512 * KiB}?${tag}-memory`),
  ];
  const responses = await Promise.all(futures);
  const seconds = (performance.now() - started) / 1000;
  let bytes = 0;
  for (const response of responses) {
    expect(response.statusCode).toBe(200);
    bytes += response.savedTo ? (await stat(response.savedTo)).size : response.content.byteLength;
  }
  expect(bytes).toBe(4 * MiB);
  return { bytes, seconds };
}

describe.each([
  ['ThreadPoolExecutor', () => new ThreadPoolExecutor({ maxWorkers: 6, maxBytesPerSecond: LIMIT })],
  ['ProcessPoolExecutor (2 children)', () => new ProcessPoolExecutor({ maxWorkers: 2, concurrencyPerWorker: 3, maxBytesPerSecond: LIMIT })],
])('maxBytesPerSecond on %s', (name, make: () => Executor) => {
  it('downloads at the limit, within ±10 %', async () => {
    const executor = make();
    const session = new FuturesSession({ executor });
    try {
      // Children started and the engine loaded before the clock runs.
      await session.get(`${base}/bytes/1?warm-${name}`);
      const { bytes, seconds } = await downloadMix(session, name.slice(0, 6));
      const rate = bytes / seconds;
      expect(rate).toBeGreaterThan(LIMIT * 0.9);
      expect(rate).toBeLessThan(LIMIT * 1.1);
    } finally {
      await session.close();
      await executor.shutdown();
    }
  });
});

describe.each([
  ['ThreadPoolExecutor', () => new ThreadPoolExecutor({ maxWorkers: 2, maxBytesPerSecond: LIMIT })],
  ['ProcessPoolExecutor', () => new ProcessPoolExecutor({ maxWorkers: 1, maxBytesPerSecond: LIMIT })],
])('stream: true under maxBytesPerSecond on %s', (name, make: () => Executor) => {
  it('the body is read at the limit, whichever way it is read', async () => {
    const executor = make();
    const session = new FuturesSession({ executor });
    try {
      await session.get(`${base}/bytes/1?warm-stream-${name}`);
      const started = performance.now();
      const [read, iterated] = await Promise.all([
        session.get(`${base}/bytes/${MiB}?stream-read-${name}`, { stream: true }),
        session.get(`${base}/bytes/${MiB}?stream-iter-${name}`, { stream: true }),
      ]);
      let bytes = (await read.read()).byteLength;
      for await (const chunk of iterated.iterContent(64 * KiB)) bytes += chunk.byteLength;
      const seconds = (performance.now() - started) / 1000;
      expect(bytes).toBe(2 * MiB);
      const rate = bytes / seconds;
      expect(rate).toBeGreaterThan(LIMIT * 0.8);
      expect(rate).toBeLessThan(LIMIT * 1.2);
    } finally {
      await session.close();
      await executor.shutdown();
    }
  });
});

it('the unlimited control is far faster than the limit (so the limit is what slows the runs above)', async () => {
  const executor = new ThreadPoolExecutor({ maxWorkers: 6 });
  const session = new FuturesSession({ executor });
  try {
    const { bytes, seconds } = await downloadMix(session, 'control');
    expect(bytes / seconds).toBeGreaterThan(LIMIT * 4);
  } finally {
    await session.close();
    await executor.shutdown();
  }
});

it('a paused download stops reading its socket: the server cannot send far ahead of the rate', async () => {
  const executor = new ThreadPoolExecutor({ maxWorkers: 1, maxBytesPerSecond: 256 * KiB });
  const session = new FuturesSession({ executor });
  const path = `/bytes/${256 * MiB}?backpressure`;
  let received = 0;
  const unsubscribe = executor.on('bytes', (_future, bytes) => (received = bytes));
  const future = session.get(`${base}${path}`, { saveTo: join(dir, 'backpressure') });
  try {
    const deadline = performance.now() + 20_000;
    // About 2 s at the limit: long enough for a reader that buffered instead of pausing to take in the whole 256 MiB.
    while (received < 512 * KiB && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toBeGreaterThanOrEqual(512 * KiB);
    // What the server got into the socket: the bytes read, plus the stream's and the kernel's buffers.
    expect(written.get(path)!).toBeLessThan(32 * MiB);
  } finally {
    future.abort();
    unsubscribe();
    await session.close();
    await executor.shutdown();
  }
});

it('a child that dies owing grants gives them back: the next child is served at once', async () => {
  const bucket = new TokenBucket(64 * KiB);
  const grants = new ByteGrants(bucket);
  const heard: number[] = [];
  // The bucket starts empty: 640 KiB is ten seconds of debt at 64 KiB/s.
  grants.ask({ pid: 1, send: () => heard.push(1) }, 640 * KiB);
  grants.forget(1);
  const asked = performance.now();
  const served = new Promise<number>((resolve) => grants.ask({ pid: 2, send: () => resolve(performance.now() - asked) }, 32 * KiB));
  // 32 KiB is half a second; without the refund child 2 would wait for child 1's ten seconds too.
  expect(await served).toBeLessThan(1500);
  expect(heard).toEqual([]);
});

it('refuses a limit that is not a positive number of bytes per second, naming it', () => {
  expect(() => new ThreadPoolExecutor({ maxBytesPerSecond: 0 })).toThrow(/ThreadPoolExecutor: maxBytesPerSecond must be a finite number >= 1/);
  expect(() => new ProcessPoolExecutor({ maxBytesPerSecond: '10M' as unknown as number })).toThrow(TypeError);
  expect(() => new ProcessPoolExecutor({ maxBytesPerSecond: Infinity })).toThrow(RangeError);
});
