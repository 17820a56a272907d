/**
 * stream: true as requests has it, on both executors: the future resolves
 * at the headers, the body is read by iterContent / iterLines / raw / read(),
 * and an unread body gives its connection back (close(), session.close(),
 * garbage collection), which the server sees as its socket closing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ContentNotRead, ContentTooLarge, FuturesSession, ProcessPoolExecutor, Session, StreamConsumedError, type Response } from '@requests-futures/core';
import { isAlive, listenOnLoopback } from '@requests-futures/testing';
import { seededBytes, startTestServer, type TestServer } from '../helpers/server.js';
import { executorCases, hook } from './executors.js';
import { sessionPerBlock, withSession } from './session-per-block.js';

/** A server whose responses the test drives: headers at once, then each chunk when the test says so. */
class GatedServer {
  readonly server: Server;
  url = '';
  private readonly waiting: Array<(res: ServerResponse) => void> = [];
  private readonly open: ServerResponse[] = [];
  socketsClosed = 0;
  constructor() {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.socket.once('close', () => this.socketsClosed++);
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.flushHeaders();
      this.open.push(res);
      this.waiting.shift()?.(res);
    });
  }
  async start(): Promise<void> {
    this.url = `http://127.0.0.1:${await listenOnLoopback(this.server)}`;
  }
  /** The response of the next request that arrives (or has arrived and was not taken). */
  next(): Promise<ServerResponse> {
    const ready = this.open.find((res) => !(res as { taken?: boolean }).taken);
    if (ready) {
      (ready as { taken?: boolean }).taken = true;
      return Promise.resolve(ready);
    }
    return new Promise((resolve) =>
      this.waiting.push((res) => {
        (res as { taken?: boolean }).taken = true;
        resolve(res);
      }),
    );
  }
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

let httpbin: TestServer;
let gated: GatedServer;
beforeAll(async () => {
  httpbin = await startTestServer();
  gated = new GatedServer();
  await gated.start();
});
afterAll(async () => {
  await gated.close();
  await httpbin.close();
});

describe.each(executorCases)('stream: true on $name', ({ make }) => {
  const session = sessionPerBlock(make);

  it('resolves at the headers, before the server has sent the body, and read() gets the rest', async () => {
    const future = session().get(`${gated.url}/slow`, { stream: true });
    const res = await gated.next();
    res.write('first;');
    const response = await future.result();
    expect(response.statusCode).toBe(200);
    expect(() => response.content).toThrow(ContentNotRead);
    expect(() => response.text).toThrow(/await response.read\(\)/);
    const reading = response.read();
    res.end('second');
    expect(text(await reading)).toBe('first;second');
    expect(response.text).toBe('first;second');
    expect(text(await response.read())).toBe('first;second');
  });

  it('drips: httpbin /drip resolves long before its body has arrived', async () => {
    const started = Date.now();
    const response = await session().get(`${httpbin.url}/drip?numbytes=4&duration=1.2&delay=0`, { stream: true }).result();
    const atHeaders = Date.now() - started;
    const body = await collect(response.iterContent(null));
    const atEnd = Date.now() - started;
    expect(text(Buffer.concat(body))).toBe('****');
    expect(atEnd - atHeaders).toBeGreaterThan(600);
  });

  it('iterContent(chunkSize) yields pieces of exactly chunkSize bytes, whatever the server chunks', async () => {
    const response = await session().get(`${httpbin.url}/stream-bytes/1000?chunk_size=77&seed=3`, { stream: true }).result();
    const pieces = await collect(response.iterContent(64));
    expect(pieces.slice(0, -1).every((piece) => piece.byteLength === 64)).toBe(true);
    expect(pieces.at(-1)!.byteLength).toBe(1000 % 64);
    expect(Buffer.concat(pieces).equals(seededBytes(1000, 3))).toBe(true);
    // Read to its end by iteration: requests' StreamConsumedError for a second read.
    await expect(response.read()).rejects.toThrow(StreamConsumedError);
    await expect(collect(response.iterContent(10))).rejects.toThrow(StreamConsumedError);
  });

  it('iterLines over httpbin /stream/N gives one JSON object per line', async () => {
    const response = await session().get(`${httpbin.url}/stream/5`, { stream: true }).result();
    const lines = await collect(response.iterLines({ decodeUnicode: true }));
    expect(lines.map((line) => JSON.parse(line).id)).toEqual([0, 1, 2, 3, 4]);
  });

  it('iterLines joins lines split across chunks, \\r\\n split between two chunks included', async () => {
    const future = session().get(`${gated.url}/lines`, { stream: true });
    const res = await gated.next();
    const response = await future.result();
    const lines = collect(response.iterLines({ chunkSize: null, decodeUnicode: true }));
    for (const piece of ['ab', 'c\r', '\nde', 'f\n\ng', 'h\r']) {
      res.write(piece);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    res.end('i');
    expect(await lines).toEqual(['abc', 'def', '', 'gh', 'i']);
  });

  it('iterLines({ delimiter }) splits on the delimiter, one split across chunks too', async () => {
    const future = session().get(`${gated.url}/delimited`, { stream: true });
    const res = await gated.next();
    const response = await future.result();
    const lines = collect(response.iterLines({ delimiter: '||', chunkSize: null }));
    res.write('x||y|');
    await new Promise((resolve) => setTimeout(resolve, 20));
    res.end('|z||');
    expect((await lines).map(text)).toEqual(['x', 'y', 'z']);
  });

  it('raw is a Node Readable of the body; a loop left early leaves the rest for read()', async () => {
    const response = await session().get(`${httpbin.url}/stream-bytes/3000?chunk_size=100&seed=9`, { stream: true }).result();
    for await (const piece of response.iterContent(1000)) {
      expect(piece.byteLength).toBe(1000);
      break;
    }
    const rest: Buffer[] = [];
    for await (const chunk of response.raw) rest.push(chunk as Buffer);
    expect(Buffer.concat(rest).equals(seededBytes(3000, 9).subarray(1000))).toBe(true);
  });

  it('json() works once read(); maxResponseBytes still caps a streamed body', async () => {
    const response = await session().get(`${httpbin.url}/get?x=1`, { stream: true }).result();
    await response.read();
    expect(response.json().args).toEqual({ x: '1' });
    const big = await session().get(`${httpbin.url}/bytes/5000`, { stream: true, maxResponseBytes: 1000 }).result();
    await expect(big.read()).rejects.toThrow(ContentTooLarge);
  });

  it('close() releases an unread body: the server sees its socket close', async () => {
    const future = session().get(`${gated.url}/unread`, { stream: true });
    const res = await gated.next();
    res.write('x'.repeat(1000));
    const response = await future.result();
    const before = gated.socketsClosed;
    response.close();
    await until(() => gated.socketsClosed > before, 'the server to see the socket close');
    await expect(response.read()).rejects.toThrow(StreamConsumedError);
  });

  it('session().close() releases every unread body', async () => {
    const own = new FuturesSession({ executor: make() });
    const future = own.get(`${gated.url}/unread-at-close`, { stream: true });
    const res = await gated.next();
    res.write('y');
    await future.result();
    const before = gated.socketsClosed;
    await own.close();
    await until(() => gated.socketsClosed > before, 'the server to see the socket close');
    await own.executor.shutdown();
  });

  it('a response dropped unread releases its connection when it is garbage collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const before = gated.socketsClosed;
    await (async () => {
      const future = session().get(`${gated.url}/dropped`, { stream: true });
      const res = await gated.next();
      res.write('z');
      await future.result();
    })();
    await until(
      () => {
        gc();
        return gated.socketsClosed > before;
      },
      'the dropped response to be collected and its socket closed',
      10_000,
    );
  });
});

describe.each(executorCases)('response hooks on a stream: true response on $name', ({ make }) => {
  const session = sessionPerBlock(make);

  it('a hook that awaits read() gets the body, and the future resolves with it read', async () => {
    const response = await session().get(`${httpbin.url}/get?h=1`, { stream: true, hooks: { response: hook('readThenSetData') } }).result();
    expect((response.data as { args: unknown }).args).toEqual({ h: '1' });
    expect(response.json().args).toEqual({ h: '1' });
  });
});

describe('stream: true on the plain Session', () => {
  it('resolves at the headers; iterLines reads the body; close() releases an unread one', async () => {
    const plain = new Session();
    try {
      const lines = await plain.get(`${httpbin.url}/stream/3`, { stream: true });
      expect((await collect(lines.iterLines({ decodeUnicode: true }))).map((line) => JSON.parse(line).id)).toEqual([0, 1, 2]);
      const future = plain.get(`${gated.url}/plain`, { stream: true });
      const res = await gated.next();
      res.write('unread');
      const response = await future;
      const before = gated.socketsClosed;
      response.close();
      await until(() => gated.socketsClosed > before, 'the server to see the socket close');
    } finally {
      await plain.close();
    }
  });
});

describe('stream: true on ProcessPoolExecutor when the child goes away', () => {
  it('fails the body being read with BrokenProcessPool (never hangs), and the server sees its socket close', () =>
    withSession(new ProcessPoolExecutor({ maxWorkers: 1 }), async (session, executor) => {
      const future = session.get(`${gated.url}/killed`, { stream: true });
      const res = await gated.next();
      res.write('partial');
      const response = await future.result();
      const reading = response.read();
      const [pid] = executor.stats().workers;
      const before = gated.socketsClosed;
      process.kill(pid!, 'SIGKILL');
      await expect(reading).rejects.toMatchObject({ name: 'ChunkedEncodingError', cause: expect.objectContaining({ name: 'BrokenProcessPool' }) });
      await until(() => gated.socketsClosed > before, 'the server to see the socket close');
      await until(() => !isAlive(pid!), 'the killed child to be gone');
    }));
});

describe('stream: true on ProcessPoolExecutor with idleTimeout', () => {
  it('does not retire the pool under a body still being read (the child holds no task any more)', () =>
    withSession(new ProcessPoolExecutor({ maxWorkers: 1, idleTimeout: 50 }), async (session, executor) => {
      const future = session.get(`${gated.url}/idle`, { stream: true });
      const res = await gated.next();
      res.write('before;');
      const response = await future.result();
      const [pid] = executor.stats().workers;
      // Several idle timeouts go by while the reader is slow (what is under test is that nothing happens).
      await new Promise((resolve) => setTimeout(resolve, 400));
      const reading = response.read();
      res.end('after');
      expect(text(await reading)).toBe('before;after');
      expect(isAlive(pid!)).toBe(true);
    }));
});

describe('stream: true options', () => {
  it('refuses expectedSha256 without saveTo: the digest could not be checked', () => {
    const session = new FuturesSession();
    expect(() => session.get(`${httpbin.url}/get`, { stream: true, expectedSha256: 'a'.repeat(64) })).toThrow(/stream: true' and 'expectedSha256'/);
    return session.close();
  });

  it('iterContent refuses a chunkSize that is not a positive integer', async () => {
    const session = new FuturesSession();
    const response: Response = await session.get(`${httpbin.url}/get`, { stream: true }).result();
    expect(() => response.iterContent(0)).toThrow(RangeError);
    expect(() => response.iterContent('1' as never)).toThrow(TypeError);
    response.close();
    await session.close();
  });
});
