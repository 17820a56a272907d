/**
 * Backpressure: session.map pulls its input lazily, so 10,000 URLs read from a
 * file never cost more than `maxQueued` tasks in the executor, and the input
 * is never more than `maxQueued` items ahead of the consumer — in-process and
 * through ProcessPoolExecutor(2).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { FuturesSession, ProcessPoolExecutor, ThreadPoolExecutor } from '@requests-futures/core';
import { startEchoServer, type EchoServer } from './support/echo-server.js';
import { startFileServer } from './support/file-server.js';
import { isAlive, removeDir, tempDir } from './support/helpers.js';

const URL_COUNT = 10_000;
const MAX_QUEUED = 32;
const BODY_BYTES = 16;
/** Generous: 10,000 requests share two cores with the other suites. */
const RUN_TIMEOUT_MS = 120_000;

const executorCases: Array<{ name: string; make: () => ThreadPoolExecutor | ProcessPoolExecutor }> = [
  { name: 'in-process (ThreadPoolExecutor(8))', make: () => new ThreadPoolExecutor({ maxWorkers: 8 }) },
  { name: 'ProcessPoolExecutor(2)', make: () => new ProcessPoolExecutor({ maxWorkers: 2 }) },
];

let server: EchoServer;
let dir: string;
let urlFile: string;

beforeAll(async () => {
  server = await startEchoServer();
  dir = await tempDir('backpressure');
  urlFile = join(dir, 'urls.txt');
  const lines = Array.from({ length: URL_COUNT }, (_, i) => `${server.url}/item/${i}`);
  await writeFile(urlFile, lines.join('\n') + '\n');
});
afterAll(async () => {
  await server.close();
  await removeDir(dir);
});

describe.each(executorCases)('session.map on $name: 10,000 URLs from a file', ({ make }) => {
  it('never holds more than maxQueued tasks, nor reads more than maxQueued lines ahead of the consumer', async () => {
    const executor = make();
    const session = new FuturesSession({ executor, maxQueued: MAX_QUEUED });
    let pulled = 0;
    let yielded = 0;
    let mostAhead = 0;
    let mostTasks = 0;
    const sampleTasks = () => {
      const { queued, running } = executor.stats();
      mostTasks = Math.max(mostTasks, queued + running);
    };
    async function* linesOfTheFile(): AsyncGenerator<string> {
      const lines = createInterface({ input: createReadStream(urlFile), crlfDelay: Infinity });
      for await (const line of lines) {
        pulled += 1;
        mostAhead = Math.max(mostAhead, pulled - yielded);
        sampleTasks();
        yield line;
      }
    }

    const seen = new Set<string>();
    let wrong = 0;
    // Each response is the echo of its own URL's path.
    try {
      for await (const future of session.map(linesOfTheFile())) {
        yielded += 1;
        sampleTasks();
        const response = await future.result();
        if (response.statusCode !== 200 || response.text !== new URL(response.url).pathname) wrong += 1;
        seen.add(response.url);
      }
    } finally {
      await session.close();
      const pids = executor.stats().workers;
      await executor.shutdown();
      expect(pids.filter(isAlive)).toEqual([]);
    }

    expect(yielded).toBe(URL_COUNT);
    expect(seen.size).toBe(URL_COUNT);
    expect(wrong).toBe(0);
    expect(mostAhead).toBeLessThanOrEqual(MAX_QUEUED);
    expect(mostTasks).toBeLessThanOrEqual(MAX_QUEUED);
    // The window is used, not merely respected: the map does run ahead of the consumer.
    expect(mostAhead).toBe(MAX_QUEUED);
  }, RUN_TIMEOUT_MS);
});

describe('session.map over an endless input', () => {
  it('pulls only what the consumer asks for, and on break cancels what has not started and closes the input', async () => {
    const files = new Map([['tiny.bin', new Uint8Array(BODY_BYTES).fill(1)]]);
    const counting = await startFileServer({ files });
    const session = new FuturesSession({ maxWorkers: 1, maxQueued: 8 });
    let pulled = 0;
    let closed = false;
    function* endless(): Generator<string> {
      try {
        for (let i = 0; ; i++) {
          pulled += 1;
          yield `${counting.url}/files/tiny.bin?i=${i}`;
        }
      } finally {
        closed = true;
      }
    }
    try {
      let consumed = 0;
      for await (const future of session.map(endless())) {
        expect((await future.result()).statusCode).toBe(200);
        if (++consumed === 50) break;
      }
      expect(closed).toBe(true);
      expect(pulled).toBeLessThanOrEqual(50 + 8);
      // cancelFutures: false would still run anything queued: only what had started (one worker) may follow.
      await session.close({ cancelFutures: false });
      expect(counting.requests.length).toBeGreaterThanOrEqual(50);
      expect(counting.requests.length).toBeLessThanOrEqual(51);
      expect(pulled).toBeGreaterThan(counting.requests.length);
    } finally {
      await session.close();
      await counting.close();
    }
  });
});
