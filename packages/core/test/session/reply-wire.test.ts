/**
 * A plain response's outcome crosses back from a child in a form of its own
 * (outcome-crossing.ts, #14): every field of the Response it rebuilds is the
 * one a thread pool's response has, and what the form cannot say (history,
 * `next`, a hook's additions) still crosses the general way, whole.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import v8 from 'node:v8';
import { FuturesSession, ProcessPoolExecutor, ThreadPoolExecutor, type Response } from '@requests-futures/core';
import { WireFormatError, decode, encode, packWire, type PackedWire } from '@requests-futures/serializer';
import { listenOnLoopback } from '@requests-futures/testing';
import { CaseInsensitiveHeaders } from '../../dist/http/headers.js';
import { packOutcome, unpackOutcome, type PackedOutcome } from '../../dist/http/outcome-crossing.js';
import type { RequestSpec } from '../../dist/http/request-spec.js';
import { Response as ResponseClass } from '../../dist/http/response.js';
import { hook } from './executors.js';

const BINARY = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    // No Date header: both pools' responses are then byte for byte the same.
    res.sendDate = false;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    switch (path) {
      case '/odd':
        res.setHeader('X-MiXeD-Case', 'v1');
        res.setHeader('Set-Cookie', ['a=1; Path=/', 'B=2; Path=/']);
        res.writeHead(201, 'Made It', { 'content-TYPE': 'application/json; charset=utf-8' }).end('{"made":"it"}');
        return;
      case '/odd-cookies':
        res.setHeader('Set-Cookie', ['constructor=c; Path=/', 'prototype=p; Path=/', 'dup=1; Path=/', 'dup=2; Path=/']);
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('cookies');
        return;
      case '/binary':
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(BINARY);
        return;
      case '/empty':
        res.writeHead(204).end();
        return;
      case '/latin1':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=iso-8859-1' }).end(Buffer.from('café', 'latin1'));
        return;
      case '/redirect':
        res.writeHead(302, { Location: '/odd', 'Set-Cookie': 'r=0; Path=/' }).end();
        return;
      case '/missing':
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no such thing');
        return;
      default:
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
    }
  });
  base = `http://127.0.0.1:${await listenOnLoopback(server)}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Every field of a response as a user sees it, its history's too; `elapsed` differs per request, its kind does not. */
function fieldsOf(response: Response): Record<string, unknown> {
  return {
    prototype: Object.getPrototypeOf(response) === ResponseClass.prototype,
    keys: Object.keys(response),
    statusCode: response.statusCode,
    reason: response.reason,
    ok: response.ok,
    url: response.url,
    headers: response.headers instanceof CaseInsensitiveHeaders && response.headers.entries(),
    setCookieHeader: response.headers.get('set-cookie'),
    content: [Object.getPrototypeOf(response.content).constructor.name, Buffer.from(response.content).toString('hex')],
    text: response.text,
    encoding: response.encoding,
    elapsed: typeof response.elapsed === 'number' && Number.isFinite(response.elapsed) && response.elapsed >= 0,
    request: [response.request.method, response.request.url, response.request.headers instanceof CaseInsensitiveHeaders && response.request.headers.entries()],
    cookies: response.cookies,
    setCookies: response.setCookies,
    next: response.next === null ? null : [response.next.method, response.next.url, response.next.headers.entries()],
    data: response.data,
    history: response.history.map((earlier, index) => ({ ...fieldsOf(earlier), linked: earlier.history.length === index })),
  };
}

const cases: Array<[string, (session: FuturesSession) => Promise<Response>]> = [
  ['a plain JSON GET', (s) => s.get(`${base}/json`)],
  ['odd casing, a reason of its own, a repeated Set-Cookie', (s) => s.get(`${base}/odd`)],
  ['cookies named constructor and prototype, one set twice', (s) => s.get(`${base}/odd-cookies`)],
  ['a query, params on top, a fragment (the URL the engine sends is not the one given)', (s) => s.get(`${base}/json?b=2&a=1#frag`, { params: { c: '3 4' } })],
  ['a binary body', (s) => s.get(`${base}/binary`)],
  ['an empty body (204)', (s) => s.get(`${base}/empty`)],
  ['a declared charset (latin-1)', (s) => s.get(`${base}/latin1`)],
  ['a 404', (s) => s.get(`${base}/missing`)],
  ['a HEAD', (s) => s.head(`${base}/json`)],
  ['a POST (headers sent on top of the spec)', (s) => s.post(`${base}/json`, { data: 'x=1' })],
  ['a redirect that set a cookie (history, url and request moved)', (s) => s.get(`${base}/redirect`)],
  ['a redirect not followed (next)', (s) => s.get(`${base}/redirect`, { allowRedirects: false })],
  ["a hook's own property (data)", (s) => s.get(`${base}/json`, { hooks: { response: [hook('setData')] } })],
];

describe('every field of a response survives the crossing from a child', () => {
  let threads: FuturesSession;
  let processes: FuturesSession;
  beforeAll(() => {
    threads = new FuturesSession({ executor: new ThreadPoolExecutor({ maxWorkers: 2 }), headers: { 'X-Session': 's' } });
    processes = new FuturesSession({ executor: new ProcessPoolExecutor({ maxWorkers: 1 }), headers: { 'X-Session': 's' } });
  });
  afterAll(async () => {
    await Promise.all([threads.close(), processes.close()]);
  });

  it.each(cases)('%s', async (_name, run) => {
    const inProcess = fieldsOf(await run(threads));
    const fromChild = fieldsOf(await run(processes));
    expect(fromChild).toEqual(inProcess);
    expect(fromChild.prototype).toBe(true);
    expect(processes.cookies.toObject()).toEqual(threads.cookies.toObject());
  });
});

describe('which outcomes take the form', () => {
  const spec = { method: 'GET', url: 'http://h/x', headers: { 'User-Agent': 'ua' } } as unknown as RequestSpec;

  function response(): Response {
    return new ResponseClass({
      statusCode: 200,
      url: 'http://h/x',
      headers: new CaseInsensitiveHeaders([['Set-Cookie', 'k=v']]),
      content: Buffer.from('hi'),
      request: { method: 'GET', url: 'http://h/x', headers: new CaseInsensitiveHeaders({ 'User-Agent': 'ua' }) },
      cookies: { k: 'v' },
      setCookies: [{ url: 'http://h/x', header: 'k=v' }],
    });
  }

  const inForm = (packed: PackedOutcome) => JSON.stringify(encode(packed).meta) === JSON.stringify({ values: [['custom', 'rf.outcome']], v: 1 });
  const across = (packed: PackedOutcome) => unpackOutcome(decode(v8.deserialize(v8.serialize(packWire(encode(packed)))) as PackedWire), spec);

  it('a plain response takes it, and comes back with its Buffer body and the outcome\'s records as its own', () => {
    const plain = response();
    const packed = packOutcome({ value: plain, setCookies: plain.setCookies }, spec);
    expect(inForm(packed)).toBe(true);
    const back = across(packed);
    const value = back.value as Response;
    expect(Buffer.isBuffer(value.content)).toBe(true);
    expect(value.setCookies).toBe(back.setCookies);
    expect(fieldsOf(value)).toEqual(fieldsOf(response()));
  });

  it.each<[string, (r: Response) => void]>([
    ["a hook's own property", (r) => (r.data = { parsed: 1 })],
    ['a history', (r) => (r.history = [response()])],
    ['a next request', (r) => (r.next = { method: 'GET', url: 'http://h/y', headers: new CaseInsensitiveHeaders() })],
    ['a NaN elapsed', (r) => (r.elapsed = Number.NaN)],
    ['a typed array other than bytes', (r) => (r.content = new Uint16Array([1]) as never)],
    ['headers sent other than the spec\'s', (r) => r.request.headers.set('User-Agent', 'other')],
    ['a __proto__ cookie', (r) => Object.defineProperty(r.cookies, '__proto__', { value: 'x', enumerable: true })],
  ])('%s takes the general way, and crosses whole', (_name, change) => {
    const changed = response();
    change(changed);
    const expected = fieldsOf(changed);
    const packed = packOutcome({ value: changed, setCookies: changed.setCookies }, spec);
    expect(inForm(packed)).toBe(false);
    const value = across(packed).value as Response;
    expect(Number.isNaN(changed.elapsed) ? Number.isNaN(value.elapsed) : true).toBe(true);
    expect(fieldsOf(value)).toEqual(expected);
  });

  it('a form with a field of the wrong kind is a WireFormatError naming it', () => {
    const plain = response();
    const wire = encode(packOutcome({ value: plain, setCookies: plain.setCookies }, spec));
    (wire.json as unknown[])[6] = ['odd number of items'];
    expect(() => unpackOutcome(decode(wire), spec)).toThrow(new WireFormatError('rf.outcome: headers is not a flat list of string pairs'));
    (wire.json as unknown[]).length = 3;
    expect(() => decode(wire)).toThrow(WireFormatError);
  });
});
