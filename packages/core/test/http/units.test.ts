import { describe, expect, it } from '@jest/globals';
import { decode, encode } from '@requests-futures/serializer';
import { AgentPool } from '../../dist/http/agents.js';
import { prepareBody } from '../../dist/http/body.js';
import { quotePlus, urlencode } from '../../dist/http/form-encoding.js';
import { CaseInsensitiveHeaders } from '../../dist/http/headers.js';
import { Response } from '../../dist/http/response.js';
import { prepareUrl } from '../../dist/http/url.js';

describe('CaseInsensitiveHeaders', () => {
  it('looks up any case and keeps the case of the last set name', () => {
    const headers = new CaseInsensitiveHeaders({ 'content-type': 'a', Skip: null });
    expect(headers.get('Content-Type')).toBe('a');
    headers.set('CONTENT-TYPE', 'b');
    expect(headers.keys()).toEqual(['CONTENT-TYPE']);
    expect(headers.get('content-type')).toBe('b');
    expect(headers.has('skip')).toBe(false);
    expect(headers.size).toBe(1);
    expect(headers.delete('Content-type')).toBe(true);
    expect(headers.delete('content-type')).toBe(false);
  });

  it('iterates, converts and copies', () => {
    const headers = new CaseInsensitiveHeaders([['X-A', '1'], ['x-b', '2']]);
    expect([...headers]).toEqual([['X-A', '1'], ['x-b', '2']]);
    expect(headers.entries()).toEqual([['X-A', '1'], ['x-b', '2']]);
    expect(headers.toObject()).toEqual({ 'X-A': '1', 'x-b': '2' });
    expect(headers.toLowerCaseObject()).toEqual({ 'x-a': '1', 'x-b': '2' });
    const copy = headers.copy();
    copy.set('x-a', 'changed');
    expect(headers.get('X-A')).toBe('1');
    expect(JSON.parse(JSON.stringify(headers))).toEqual({ 'X-A': '1', 'x-b': '2' });
  });

  it('takes a mapping (own keys in order, nulls left out, numbers as text, an own __proto__ as a header), pairs or headers', () => {
    const mapping = JSON.parse('{"X-A": "1", "__proto__": "p", "X-Null": null, "x-n": 2}') as Record<string, string | number | null>;
    Object.setPrototypeOf(mapping, { inherited: 'no' });
    const fromMapping = new CaseInsensitiveHeaders(mapping);
    expect(fromMapping.entries()).toEqual([['X-A', '1'], ['__proto__', 'p'], ['x-n', '2']]);
    expect(new CaseInsensitiveHeaders({ A: undefined, B: 'b' }).entries()).toEqual([['B', 'b']]);
    expect(new CaseInsensitiveHeaders(new Map<string, string | number>([['M', 1], ['m', 'again']])).entries()).toEqual([['m', 'again']]);
    expect(new CaseInsensitiveHeaders(fromMapping).entries()).toEqual(fromMapping.entries());
  });

  it('keeps its class through the serializer', () => {
    const copy = decode<CaseInsensitiveHeaders>(encode(new CaseInsensitiveHeaders({ 'X-Mixed': 'v' })));
    expect(copy).toBeInstanceOf(CaseInsensitiveHeaders);
    expect(copy.get('x-mixed')).toBe('v');
    expect(copy.keys()).toEqual(['X-Mixed']);
  });

  it('treats names like __proto__ and constructor as ordinary headers, also across the boundary', () => {
    const headers = new CaseInsensitiveHeaders();
    headers.set('__proto__', 'p').set('Constructor', 'c');
    expect(headers.size).toBe(2);
    expect(headers.get('__PROTO__')).toBe('p');
    expect(headers.has('toString')).toBe(false);
    expect(headers.get('hasOwnProperty')).toBeUndefined();
    expect(Object.getPrototypeOf(headers.toObject())).toBe(Object.prototype);
    expect(Object.keys(headers.toObject())).toEqual(['__proto__', 'Constructor']);
    const copy = decode<CaseInsensitiveHeaders>(encode(headers));
    expect(copy.entries()).toEqual([['__proto__', 'p'], ['Constructor', 'c']]);
  });
});

describe('Response through the serializer', () => {
  it('keeps class, bytes, history and properties a hook added', () => {
    const request = { method: 'GET', url: 'http://x/', headers: new CaseInsensitiveHeaders({ A: '1' }) };
    const first = new Response({ statusCode: 302, url: 'http://x/old', headers: new CaseInsensitiveHeaders({ Location: '/' }), request });
    const response = new Response({
      statusCode: 200,
      url: 'http://x/',
      headers: new CaseInsensitiveHeaders({ 'Content-Type': 'application/json' }),
      content: new TextEncoder().encode('{"n":1}'),
      history: [first],
      elapsed: 12.5,
      request,
      cookies: { c: '1' },
      setCookies: [{ url: 'http://x/old', header: 'c=1' }],
    });
    response.data = response.json();
    response.encoding = 'utf-16';
    const copy = decode<Response>(encode(response));
    expect(copy).toBeInstanceOf(Response);
    expect(copy.data).toEqual({ n: 1 });
    expect(copy.encoding).toBe('utf-16');
    copy.encoding = 'utf-8';
    expect(copy.json()).toEqual({ n: 1 });
    expect(copy.ok).toBe(true);
    expect(copy.history[0]).toBeInstanceOf(Response);
    expect(copy.history[0]!.headers.get('location')).toBe('/');
    expect(copy.request.headers.get('a')).toBe('1');
    expect(copy.setCookies).toEqual([{ url: 'http://x/old', header: 'c=1' }]);
    expect(copy.content).toBeInstanceOf(Uint8Array);
    expect('savedTo' in copy).toBe(false);
  });
});

describe('form encoding and URLs', () => {
  it('quotePlus matches urllib.parse.quote_plus', () => {
    expect(quotePlus("a b+c/d?e=f&g~h*i'j(k)l!m")).toBe('a+b%2Bc%2Fd%3Fe%3Df%26g~h%2Ai%27j%28k%29l%21m');
    expect(urlencode({ a: [1, true, null], b: undefined, 'k y': 'v' })).toBe('a=1&a=true&k+y=v');
  });

  it('prepareUrl lifts credentials and appends params', () => {
    expect(prepareUrl('http://u:p%40ss@h.test/x?a=1', { b: '2' })).toEqual({ url: 'http://h.test/x?a=1&b=2', auth: ['u', 'p@ss'] });
    expect(prepareUrl('  HTTP://H.test', null)).toEqual({ url: 'http://h.test/' });
  });

  it('prepareBody picks requests\' body and content type', () => {
    expect(prepareBody({ data: { a: '1' } })).toEqual({ payload: 'a=1', contentType: 'application/x-www-form-urlencoded' });
    expect(prepareBody({ json: null })).toBeUndefined();
    expect(prepareBody({ data: {}, json: { j: 1 } })).toEqual({ payload: '{"j":1}', contentType: 'application/json' });
    expect(prepareBody({ data: [['a', '1'], ['a', '2']] })?.payload).toBe('a=1&a=2');
    expect(prepareBody({ files: {} })).toBeUndefined();
  });
});

describe('AgentPool', () => {
  it('shares agents per pool size and TLS setting, sized by pool.maxSize', () => {
    const pool = new AgentPool();
    const a = pool.agentsFor({ maxSize: 3, block: false }, true, null, null);
    expect(pool.agentsFor({ maxSize: 3, block: false }, true, null, null)).toEqual(a);
    // pool_block false: more sockets when all are busy, only maxSize kept idle; true: maxSize at most.
    expect(a.http.maxSockets).toBe(Infinity);
    expect(a.http.maxFreeSockets).toBe(3);
    const blocking = pool.agentsFor({ maxSize: 3, block: true }, true, null, null);
    expect(blocking.http).not.toBe(a.http);
    expect([blocking.http.maxSockets, blocking.https.maxSockets]).toEqual([3, 3]);
    expect(a.http.keepAlive).toBe(true);
    const insecure = pool.agentsFor({ maxSize: 3, block: false }, false, null, null);
    expect(insecure.http).toBe(a.http);
    expect(insecure.https).not.toBe(a.https);
    expect(pool.agentsFor({ maxSize: 10, block: false }, true, null, null).http.maxFreeSockets).toBe(10);
    pool.destroy();
    expect(() => pool.agentsFor({ maxSize: 10, block: false }, true, null, null)).toThrow(/destroyed/);
  });
});
