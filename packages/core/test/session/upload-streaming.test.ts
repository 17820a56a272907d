/**
 * Streamed uploads on both executors: a generated 64 MiB body reaches a
 * hashing loopback server intact, and the source is pulled lazily (never far
 * ahead of what the server received: on ProcessPoolExecutor the child's
 * credit window bounds it). A source that fails fails its request and leaves
 * the child usable; abort() during an upload stops the source.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { BrokenProcessPool, FuturesSession, ProcessPoolExecutor, RequestException, ThreadPoolExecutor, type Executor } from '@requests-futures/core';
import { listenOnLoopback } from '@requests-futures/testing';
import { pendingUploadOffers, STREAM_WINDOW_BYTES } from '@requests-futures/worker';
import { sessionPerBlock } from './session-per-block.js';

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** What the server has taken so far of each upload (by its `?id=`); 'bytes' fires as it grows. */
const server = new EventEmitter();
const received = new Map<string, number>();
let nextId = 1;
let http: Server;
let url = '';

beforeAll(async () => {
  http = createServer((req, res) => {
    const hash = createHash('sha256');
    const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? '';
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
      received.set(id, bytes);
      server.emit('bytes', id, bytes);
    });
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ sha256: hash.digest('hex'), bytes })));
    req.on('error', () => {});
  });
  url = `http://127.0.0.1:${await listenOnLoopback(http)}`;
});
afterAll(async () => {
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
});

/** Deterministic chunks, counted as they are pulled; `lead` is how far the source ran ahead of the server at worst. */
function generatedBody(totalBytes: number, options: { failAt?: number } = {}) {
  const id = String(nextId++);
  const state = { pulled: 0, lead: 0, peakRss: 0, finished: false, sha256: '', path: `/hash?id=${id}` };
  const hash = createHash('sha256');
  const serverHas = () => received.get(id) ?? 0;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      for (let index = 0; state.pulled < totalBytes; index++) {
        if (options.failAt !== undefined && state.pulled >= options.failAt) throw new Error(`the source broke after ${state.pulled} bytes`);
        const chunk = Buffer.alloc(Math.min(CHUNK, totalBytes - state.pulled), index % 251);
        chunk.writeUInt32BE(index, 0);
        hash.update(chunk);
        state.pulled += chunk.length;
        state.lead = Math.max(state.lead, state.pulled - serverHas());
        state.peakRss = Math.max(state.peakRss, process.memoryUsage.rss());
        yield chunk;
      }
      state.sha256 = hash.digest('hex');
    } finally {
      state.finished = true;
      server.emit('source-finished');
    }
  }
  return { state, body: chunks(), serverHas };
}

const cases: Array<{ name: string; make: () => Executor }> = [
  { name: 'ThreadPoolExecutor', make: () => new ThreadPoolExecutor({ maxWorkers: 2 }) },
  { name: 'ProcessPoolExecutor', make: () => new ProcessPoolExecutor({ maxWorkers: 2 }) },
];

describe.each(cases)('streamed uploads on $name', ({ name, make }) => {
  const current = sessionPerBlock(make);
  let session: FuturesSession;
  let executor: Executor;
  beforeAll(() => {
    session = current();
    executor = session.executor;
  });
  // After sessionPerBlock's own afterAll, which shut the executor down: no child outlives it.
  afterAll(() => {
    if (executor instanceof ProcessPoolExecutor) expect(executor.stats().workers).toEqual([]);
  });

  it('a generated 64 MiB body arrives whole, pulled no further ahead of the server than the credit window allows', async () => {
    const total = 64 * MiB;
    const rssBefore = process.memoryUsage.rss();
    const { state, body } = generatedBody(total);
    const response = await session.post(`${url}${state.path}`, { data: body }).result();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ sha256: state.sha256, bytes: total });
    // The credit window (1 MiB across processes), plus what sits in stream buffers and in the kernel's
    // loopback socket buffers (measured up to ~7.5 MiB in-process, where there is no window): a quarter of the body.
    expect(state.lead).toBeLessThan(STREAM_WINDOW_BYTES + 15 * MiB);
    // Garbage not yet collected counts too: a figure to read, bounded only by the body's size.
    expect(state.peakRss - rssBefore).toBeLessThan(total);
    process.stdout.write(`${name}: 64 MiB upload, source lead at most ${(state.lead / MiB).toFixed(2)} MiB, coordinator RSS +${((state.peakRss - rssBefore) / MiB).toFixed(1)} MiB\n`);
    expect(pendingUploadOffers()).toBe(0);
  });

  it('a source that fails fails its request with its error, and the pool stays usable', async () => {
    const workersBefore = executor instanceof ProcessPoolExecutor ? executor.stats().workers : [];
    const broken = generatedBody(8 * MiB, { failAt: 2 * MiB });
    const error = await session.post(`${url}${broken.state.path}`, { data: broken.body }).exception();
    expect(error).toBeInstanceOf(RequestException);
    expect(String((error as Error).message) + String((error as Error).cause)).toMatch(/the source broke after \d+ bytes/);
    const { state, body: next } = generatedBody(3 * MiB);
    expect((await session.post(`${url}${state.path}`, { data: next }).result()).json()).toEqual({ sha256: state.sha256, bytes: 3 * MiB });
    if (executor instanceof ProcessPoolExecutor) expect(executor.stats().workers).toEqual(expect.arrayContaining(workersBefore));
    expect(pendingUploadOffers()).toBe(0);
  });

  it('abort() during an upload stops pulling the source', async () => {
    const { state, body, serverHas } = generatedBody(1024 * MiB);
    const future = session.post(`${url}${state.path}`, { data: body });
    while (serverHas() < 4 * MiB) await once(server, 'bytes');
    const finished = state.finished ? Promise.resolve() : once(server, 'source-finished');
    future.abort();
    expect(future.cancelled()).toBe(true);
    await finished;
    expect(state.finished).toBe(true);
    expect(state.pulled).toBeLessThan(64 * MiB);
    expect(pendingUploadOffers()).toBe(0);
  });
});

describe('a pool child that dies during an upload', () => {
  const current = sessionPerBlock(() => new ProcessPoolExecutor({ maxWorkers: 1 }));

  it('fails the request with BrokenProcessPool and stops the source; a new child serves the next upload', async () => {
    const session = current();
    const executor = session.executor as ProcessPoolExecutor;
    const { state, body, serverHas } = generatedBody(1024 * MiB);
    const future = session.post(`${url}${state.path}`, { data: body });
    while (serverHas() < 4 * MiB) await once(server, 'bytes');
    const [child] = executor.stats().workers;
    const finished = state.finished ? Promise.resolve() : once(server, 'source-finished');
    process.kill(child!, 'SIGKILL');
    expect(await future.exception()).toBeInstanceOf(BrokenProcessPool);
    await finished;
    expect(state.pulled).toBeLessThan(64 * MiB);
    expect(pendingUploadOffers()).toBe(0);
    const next = generatedBody(2 * MiB);
    expect((await session.post(`${url}${next.state.path}`, { data: next.body }).result()).json()).toEqual({ sha256: next.state.sha256, bytes: 2 * MiB });
    expect(executor.stats().workers).not.toContain(child);
  });
});
