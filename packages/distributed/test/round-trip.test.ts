/**
 * A task's value and error cross Redis and BullMQ as they cross a process
 * pool's pipe: same checks at submit, classes kept, session cookies kept.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { Queue, QueueEvents } from 'bullmq';
import { ConnectionError, FuturesSession, PicklingError, fnRef } from '@requests-futures/core';
import { DistributedExecutor, JobFormatError, VersionMismatch } from '@requests-futures/distributed';
import { decode } from '@requests-futures/serializer';
import { startHttpbin, startRedisServer, type Httpbin, type RedisServer } from '@requests-futures/testing';
import { textToReply } from '../dist/envelope.js';
import { startWorker, TASKS, type WorkerProcess } from './support/fleet.js';

const QUEUE = 'roundtrip';
let redis: RedisServer;
let worker: WorkerProcess;
let httpbin: Httpbin;
let executor: DistributedExecutor;

beforeAll(async () => {
  redis = await startRedisServer();
  httpbin = await startHttpbin();
  worker = await startWorker(redis.url, QUEUE, 'rt-worker');
  executor = new DistributedExecutor({ redis: redis.url, queue: QUEUE });
});

afterAll(async () => {
  await executor?.shutdown();
  expect(await worker?.stop()).toBe(0);
  await httpbin?.close();
  await redis?.stop();
});

describe('DistributedExecutor round trip', () => {
  it('returns values of every type the codec carries', async () => {
    const value = { n: 1, big: 2n ** 70n, when: new Date(0), map: new Map([['a', 1]]), set: new Set([1]), bytes: new Uint8Array([0, 255, 7]), none: undefined };
    const back = (await executor.submit(fnRef(TASKS, 'echo'), value).result(20)) as typeof value;
    expect(back).toEqual(value);
    expect(back.bytes).toBeInstanceOf(Uint8Array);
    expect(back.map).toBeInstanceOf(Map);
  });

  it('rejects with the error class the worker threw', async () => {
    const error = await executor.submit(fnRef(TASKS, 'throwRange'), 'out of range').exception(20);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe('out of range');
  });

  it('refuses what cannot travel at submit, synchronously, with PicklingError', () => {
    expect(() => executor.submit(() => 1)).toThrow(PicklingError);
    expect(() => executor.submit(fnRef(TASKS, 'echo'), { cb: () => 1 })).toThrow(/Cannot pickle function at args\[0\]\.cb/);
  });

  it('refuses a streamed request body at submit: its workers cannot pull it from this process', async () => {
    const session = new FuturesSession({ executor });
    expect(() => session.post(`${httpbin.url}/post`, { data: Readable.from([Buffer.from('x')]) })).toThrow(PicklingError);
    expect(() => session.post(`${httpbin.url}/post`, { data: new Blob(['x']) })).toThrow(/a Blob as the request body \(this executor's workers cannot read it from this process: send \{ path \}/);
    expect(() => session.post(`${httpbin.url}/post`, { files: { f: ['f.txt', Readable.from(['x'])] } })).toThrow(/Cannot pickle stream at files\.f\[1\]/);
    await session.close();
  });

  it('runs FuturesSession requests: a ConnectionError stays a ConnectionError, cookies come back into the jar', async () => {
    const session = new FuturesSession({ executor });
    const refused = await session.get('http://127.0.0.1:1/').exception(20);
    expect(refused).toBeInstanceOf(ConnectionError);
    const response = await session.get(`${httpbin.url}/cookies/set?flavour=oat`).result(20);
    expect(response.statusCode).toBe(200);
    expect(session.cookies.get('flavour')).toBe('oat');
    await session.close();
  });

  it('a worker refuses a job of another engine version, and job data that does not decode, with typed errors', async () => {
    const queue = new Queue(QUEUE, { connection: { host: '127.0.0.1', port: redis.port }, prefix: 'rf' });
    // From the stream's start: events before the reader's first XREAD are not lost (job ids here are unique).
    const events = new QueueEvents(QUEUE, { connection: { host: '127.0.0.1', port: redis.port }, prefix: 'rf', lastEventId: '0-0' });
    await events.waitUntilReady();
    try {
      // The worker removes finished jobs, so the reply is read from the events stream, as the executor does.
      const replyOf = (jobId: string) =>
        new Promise<unknown>((resolve) => {
          const listener = (event: { jobId: string; returnvalue: unknown }) => {
            if (event.jobId !== jobId) return;
            events.off('completed', listener);
            resolve(event.returnvalue);
          };
          events.on('completed', listener);
        });
      const refusedReply = replyOf('other-version');
      await queue.add('rf', { format: 1, engine: '0.0.0-other', task: '{}', retryOnLoss: false }, { jobId: 'other-version' });
      const refused = textToReply(await refusedReply);
      expect(refused.ok).toBe(false);
      const version = decode((refused as { error: never }).error);
      expect(version).toBeInstanceOf(VersionMismatch);
      expect((version as Error).message).toMatch(/0\.0\.0-other.*install the same versions/);
      const garbageReply = replyOf('garbage');
      await queue.add('rf', { hello: 'world' }, { jobId: 'garbage' });
      const reply = textToReply(await garbageReply);
      expect(reply.ok).toBe(false);
      expect(decode((reply as { error: never }).error)).toBeInstanceOf(JobFormatError);
    } finally {
      await queue.obliterate({ force: true });
      await Promise.all([events.close(), queue.close()]);
    }
  });
});
