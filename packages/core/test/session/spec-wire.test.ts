/**
 * A plain request spec crosses to a child in a form of its own (spec-wire.ts,
 * #14): every request feature reaches the server from a ProcessPoolExecutor
 * child as it does from a thread pool, whether the spec took the form or the
 * general path; a plain GET really takes the form; and what the form cannot
 * say takes the general path, whose refusals are unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FuturesSession,
  HTTPBasicAuth,
  HTTPDigestAuth,
  PicklingError,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  type Future,
  type RequestOptions,
  type Response,
} from '@requests-futures/core';
import { InWireForm, WireFormatError, decode, encode, fnRef, packCall } from '@requests-futures/serializer';
import { listenOnLoopback } from '@requests-futures/testing';
import type { CrossingSpec } from '../../dist/http/request-spec.js';
import { specPartsToCheck } from '../../dist/session/merge.js';
import { PlainSpecForm, crossingOfForm, plainSpecForm as formOf } from '../../dist/http/spec-wire.js';
import { hook } from './executors.js';

const BIG = Buffer.alloc(64 * 1024, 'z');
const flaky = new Map<string, number>();
let server: Server;
let base = '';

/** What the server saw of a request, as JSON: method, target, every header as sent (case, order, repeats), the body. */
function echo(req: IncomingMessage, body: Buffer): string {
  return JSON.stringify({ method: req.method, target: req.url, headers: req.rawHeaders.filter((_, i) => req.rawHeaders[i - (i % 2)] !== 'Host'), body: body.toString('latin1') });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    res.sendDate = false;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = new URL(req.url ?? '/', 'http://x');
      switch (target.pathname) {
        case '/set-cookie':
          res.writeHead(200, { 'Set-Cookie': 'jar=from-server; Path=/' }).end('set');
          return;
        case '/redirect':
          res.writeHead(302, { Location: `/redirect-to?n=${Number(target.searchParams.get('n') ?? 0) + 1}` }).end();
          return;
        case '/redirect-to':
          res.writeHead(302, { Location: '/echo' }).end();
          return;
        case '/flaky': {
          // 503 the first time a key is seen: a retry is what makes it 200.
          const key = target.searchParams.get('key') ?? '';
          const seen = flaky.get(key) ?? 0;
          flaky.set(key, seen + 1);
          res.writeHead(seen === 0 ? 503 : 200).end(String(seen));
          return;
        }
        case '/big':
          res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(BIG);
          return;
        default:
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(echo(req, Buffer.concat(chunks)));
      }
    });
  });
  base = `http://127.0.0.1:${await listenOnLoopback(server)}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A pool that remembers the spec each request task was handed, as the session made it. */
class RecordingProcessPool extends ProcessPoolExecutor {
  readonly sent: unknown[] = [];

  override submit<R>(fn: Parameters<ProcessPoolExecutor['submit']>[0], ...args: unknown[]): Future<Awaited<R>> {
    this.sent.push(args[0]);
    return super.submit(fn, ...args) as Future<Awaited<R>>;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'spec-wire-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a request did, as a user sees it: the server's echo (or the error), the response's own fields. */
async function outcomeOf(session: FuturesSession, name: string, options: RequestOptions & { path?: string; method?: string }): Promise<unknown> {
  const { path = '/echo', method = 'GET', ...rest } = options;
  const requestOptions = { ...rest };
  const saveTo = requestOptions.saveTo === undefined ? undefined : join(dir, name);
  if (saveTo !== undefined) requestOptions.saveTo = saveTo;
  try {
    const response: Response = await session.request(method, `${base}${path}`, requestOptions);
    const text = saveTo === undefined ? response.text : readFileSync(saveTo, 'utf8');
    const seen = {
      status: response.statusCode,
      text,
      url: response.url,
      history: response.history.map((earlier) => earlier.statusCode),
      data: response.data,
      requestHeaders: response.request.headers.entries(),
      cookies: session.cookies.toObject(),
    };
    // Each session has a flaky key of its own; a multipart boundary is random.
    const boundary = /boundary=([0-9a-f]+)/.exec(JSON.stringify(seen))?.[1];
    const same = JSON.stringify(seen).replaceAll(/key=(threads|processes)-/g, 'key=');
    return JSON.parse(boundary === undefined ? same : same.replaceAll(boundary, 'BOUNDARY')) as unknown;
  } catch (error) {
    return { error: (error as Error).name, message: (error as Error).message.replaceAll(base, 'BASE') };
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** [name, options, takes the form]: every request feature, through both pools. */
const features: Array<[string, RequestOptions & { path?: string; method?: string }, boolean]> = [
  ['a plain GET', {}, true],
  ['another method (PATCH) with a text body', { method: 'PATCH', data: 'raw text' }, true],
  ['DELETE and OPTIONS', { method: 'OPTIONS' }, true],
  ['params as an object with a list, added to a query', { path: '/echo?q=1', params: { a: 'x y', b: ['1', '2'], n: 3, t: true } }, true],
  ['params as pairs', { params: [['k', 'v'], ['k', 'w']] as never }, true],
  ['params as a string', { params: 'raw=1&raw=2' }, true],
  ['headers with odd casing, a repeated value, one removed', { headers: { 'X-MiXeD-CaSe': 'v', 'x-list': 'a, a', Accept: null as never } }, true],
  ['a header named constructor', { headers: { constructor: 'c' } }, true],
  ['a form body (object with a list)', { method: 'POST', data: { f: 'é&=', g: ['1', '2'] } }, true],
  ['a form body as pairs', { method: 'POST', data: [['p', '1'], ['p', '2']] }, true],
  ['a bytes body', { method: 'POST', data: new Uint8Array([0, 1, 255]) }, false],
  ['a JSON body', { method: 'POST', json: { a: [1, 2.5, null, { b: 'ü' }], t: false } }, true],
  ['a JSON body the form cannot say (-0)', { method: 'POST', json: { z: -0 } }, false],
  ['files (text and bytes)', { method: 'POST', files: { t: ['t.txt', 'text', 'text/plain'], b: ['b.bin', new Uint8Array([1, 2])] } }, false],
  ['files (text only)', { method: 'POST', files: { t: ['t.txt', 'text', 'text/plain', { 'X-Part': '1' }] } }, true],
  ['basic auth as a pair', { auth: ['user', 'pässword'] }, true],
  // The session turns both into plain credentials (auth.ts specAuth).
  ['HTTPBasicAuth', { auth: new HTTPBasicAuth('u', 'p') }, true],
  ['HTTPDigestAuth (no challenge)', { auth: new HTTPDigestAuth('u', 'p') }, true],
  ['cookies of the request', { cookies: { c1: 'v1', c2: 'v 2' } }, true],
  ['timeout as seconds and as a pair', { timeout: [5, 10] }, true],
  ['retries', { path: '/flaky?key=K', retries: { limit: 2, statusCodes: [503] } }, true],
  ['redirects followed', { path: '/redirect' }, true],
  ['redirects not allowed', { path: '/redirect', allowRedirects: false }, true],
  ['verify off, a CA path, a client cert (unused over http)', { verify: '/nonexistent/ca.pem', cert: ['/nonexistent/c.pem', '/nonexistent/k.pem'] }, true],
  ['a proxy', { path: '/echo', proxies: { http: 'PROXY' } }, true],
  ['saveTo with a checksum', { path: '/big', saveTo: 'x', expectedSha256: sha256(BIG.toString()) }, true],
  ['saveTo with a wrong checksum', { path: '/big', saveTo: 'x', expectedSha256: '0'.repeat(64) }, true],
  ['saveTo without a checksum, resumable', { path: '/big', saveTo: 'x', resume: true, checksum: false }, true],
  ['stream', { path: '/big', stream: true }, true],
  ['a response hook (fnRef)', { hooks: { response: [hook('setData')] } }, false],
  ['maxResponseBytes under the body', { path: '/big', maxResponseBytes: 10 }, true],
  ['maxResponseBytes over the body', { path: '/big', maxResponseBytes: 1 << 20 }, true],
  ['the http2 flag (http: not used)', { http2: true }, true],
  ['a long text (crosses unpacked)', { method: 'POST', data: 'L'.repeat(70 * 1024) }, true],
];

describe('every request feature crosses to a child as a thread pool has it', () => {
  let threads: FuturesSession;
  let processes: FuturesSession;
  let pool: RecordingProcessPool;
  beforeAll(() => {
    const options = { headers: { 'X-Session': 's', 'User-Agent': 'spec-wire' } };
    threads = new FuturesSession({ executor: new ThreadPoolExecutor({ maxWorkers: 2 }), ...options });
    pool = new RecordingProcessPool({ maxWorkers: 1 });
    processes = new FuturesSession({ executor: pool, ...options });
  });
  afterAll(async () => {
    await Promise.all([threads.close(), processes.close()]);
    await pool.shutdown();
  });

  it.each(features)('%s', async (name, given, takesForm) => {
    const options = given.proxies === undefined ? given : { ...given, proxies: { http: base } };
    const flakyKey = (session: string) => (options.path?.startsWith('/flaky') ? { path: `/flaky?key=${session}-${name}` } : {});
    const inProcess = await outcomeOf(threads, name, { ...options, ...flakyKey('threads') });
    const before = pool.sent.length;
    const fromChild = await outcomeOf(processes, name, { ...options, ...flakyKey('processes') });
    expect(fromChild).toEqual(inProcess);
    expect(pool.sent).toHaveLength(before + 1);
    expect(pool.sent[before] instanceof PlainSpecForm).toBe(takesForm);
  });

  it("the session's maxRedirects crosses in the form", async () => {
    threads.maxRedirects = processes.maxRedirects = 1;
    try {
      const inProcess = await outcomeOf(threads, 'max', { path: '/redirect' });
      const before = pool.sent.length;
      const fromChild = await outcomeOf(processes, 'max', { path: '/redirect' });
      expect(fromChild).toEqual(inProcess);
      expect(inProcess).toMatchObject({ error: 'TooManyRedirects' });
      expect(pool.sent[before]).toBeInstanceOf(PlainSpecForm);
    } finally {
      threads.maxRedirects = processes.maxRedirects = 30;
    }
  });

  it("the session's cookie jar crosses in the form", async () => {
    for (const session of [threads, processes]) await session.get(`${base}/set-cookie`);
    const inProcess = await outcomeOf(threads, 'jar', {});
    const before = pool.sent.length;
    const fromChild = await outcomeOf(processes, 'jar', {});
    expect(fromChild).toEqual(inProcess);
    expect(JSON.stringify(inProcess)).toContain('jar=from-server');
    expect(pool.sent[before]).toBeInstanceOf(PlainSpecForm);
  });
});

describe('a fresh pool', () => {
  it("reads a plain GET's form in its first task (the reader is registered before the task's module loads)", async () => {
    const pool = new RecordingProcessPool({ maxWorkers: 1 });
    const session = new FuturesSession({ executor: pool });
    try {
      const response = await session.get(`${base}/echo`, { params: { first: '1' } });
      expect(pool.sent[0]).toBeInstanceOf(PlainSpecForm);
      expect((JSON.parse(response.text) as { target: string }).target).toBe('/echo?first=1');
    } finally {
      await session.close();
      await pool.shutdown();
    }
  });
});

describe('which specs take the form', () => {
  // The parts a user may fill, hooks included (merge.ts).
  const userParts = specPartsToCheck({ hooks: { response: [hook('setData')] } } as never);
  const plainSpecForm = (crossing: CrossingSpec) => formOf(crossing, userParts);
  const plain = (): CrossingSpec => ({ method: 'GET', url: 'http://h/x', pool: { maxSize: 10, block: false } });
  const throughForm = (crossing: CrossingSpec) => {
    const form = plainSpecForm(crossing);
    expect(form).toBeInstanceOf(PlainSpecForm);
    return decode<{ args: [CrossingSpec] }>(packCall(fnRef('file:///x.js', 'f'), [form])).args[0];
  };

  it('a plain GET: its fields come back as they were, in their order', () => {
    expect(throughForm(plain())).toEqual(plain());
    const full = { ...plain(), headers: { B: '2', a: '1' }, timeout: [1, null], json: { x: [true, null] }, cookieJar: { cookies: [{ key: 'k' }] } } as CrossingSpec;
    const back = throughForm(full);
    expect(back).toEqual(full);
    expect(Object.keys(back.headers!)).toEqual(['B', 'a']);
  });

  it('is a copy made when the request is made: later changes to the caller\'s values do not cross', () => {
    const json = { n: 1 };
    const crossing = { ...plain(), json } as CrossingSpec;
    const form = plainSpecForm(crossing)!;
    json.n = 2;
    expect(decode<{ args: [CrossingSpec] }>(packCall(fnRef('file:///x.js', 'f'), [form])).args[0].json).toEqual({ n: 1 });
  });

  it.each<[string, Partial<CrossingSpec> | (() => CrossingSpec)]>([
    ['bytes', { data: new Uint8Array([1]) }],
    ['an fnRef hook', { hooks: { response: [fnRef('file:///h.js', 'h')] } }],
    ['undefined', { timeout: undefined }],
    ['NaN', { maxResponseBytes: Number.NaN }],
    ['-0', { json: -0 }],
    ['a Date', { json: new Date(0) }],
    ['a __proto__ key', { json: JSON.parse('{"__proto__": 1}') as unknown }],
    ['a constructor key', { json: { constructor: 1 } }],
    ['a null-prototype object', { json: Object.create(null) as unknown }],
    ['an array hole', { json: [1, , 3] }],
    ['a cycle', () => {
      const json: Record<string, unknown> = {};
      json.self = json;
      return { ...plain(), json };
    }],
    ['a getter that throws', () => ({ ...plain(), json: Object.defineProperty({}, 'x', { enumerable: true, get: () => { throw new Error('no'); } }) })],
    ['a function', { json: { cb: () => 1 } }],
  ])('%s takes the general path', (_name, change) => {
    const crossing = typeof change === 'function' ? change() : ({ ...plain(), ...change } as CrossingSpec);
    expect(plainSpecForm(crossing)).toBeUndefined();
  });

  it('what the general path refuses it still refuses, with the same PicklingError and path', async () => {
    const session = new FuturesSession({ executor: new ProcessPoolExecutor({ maxWorkers: 1 }) });
    try {
      expect(() => session.post(`${base}/echo`, { json: { deep: [{ cb: () => 1 }] } })).toThrow(PicklingError);
      expect(() => session.post(`${base}/echo`, { json: { deep: [{ cb: () => 1 }] } })).toThrow(/json\.deep\[0\]\.cb/);
    } finally {
      await session.close();
    }
  });

  it('a form with a field of the wrong kind is a WireFormatError naming it', () => {
    expect(() => crossingOfForm(['GET', 'http://h/'])).toThrow(WireFormatError);
    expect(() => crossingOfForm(null)).toThrow(/expected an object/);
    expect(() => crossingOfForm({ method: 1, url: 'http://h/', pool: {} })).toThrow(/method and url/);
    expect(() => crossingOfForm({ method: 'GET', url: 'http://h/', pool: null })).toThrow(/pool/);
  });

  it('is an InWireForm: a general encode of a value that holds it carries it too', () => {
    const form = plainSpecForm(plain())!;
    expect(form).toBeInstanceOf(InWireForm);
    expect(decode<{ spec: CrossingSpec; at: Date }>(encode({ spec: form, at: new Date(5) }))).toEqual({ spec: plain(), at: new Date(5) });
  });
});
