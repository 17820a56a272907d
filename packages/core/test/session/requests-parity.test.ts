/**
 * Ports of psf/requests' own tests (tests/test_requests.py, test_lowlevel.py,
 * test_utils.py) for the behaviours issue 19 found different, each named after
 * its upstream test. Where a request runs, they run on both executors.
 */
import { once } from 'node:events';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CookieConflictError,
  FuturesSession,
  InvalidHeader,
  JSONDecodeError,
  RequestException,
  Response,
  TooManyRedirects,
  type Executor,
} from '@requests-futures/core';
import { listenOnLoopback, startHttpbin, type Httpbin } from '@requests-futures/testing';
import { CaseInsensitiveHeaders } from '../../dist/http/headers.js';
import { guessJsonUtf, type JsonUtf } from '../../dist/http/json-body.js';
import { executorCases, hook } from './executors.js';

const ENCODINGS: readonly JsonUtf[] = ['utf-32', 'utf-8-sig', 'utf-16', 'utf-8', 'utf-16-be', 'utf-16-le', 'utf-32-be', 'utf-32-le'];

function utf32(text: string, bigEndian: boolean): Buffer {
  const codePoints = [...text].map((char) => char.codePointAt(0)!);
  const bytes = Buffer.alloc(codePoints.length * 4);
  codePoints.forEach((codePoint, index) => (bigEndian ? bytes.writeUInt32BE(codePoint, index * 4) : bytes.writeUInt32LE(codePoint, index * 4)));
  return bytes;
}

/** `text.encode(encoding)` as Python writes it (the BOM-carrying codecs are little-endian here, as on x86). */
function pythonEncode(text: string, encoding: JsonUtf): Buffer {
  const utf16be = () => Buffer.from(text, 'utf16le').swap16();
  switch (encoding) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'utf-8-sig':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf-16':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf-16-le':
      return Buffer.from(text, 'utf16le');
    case 'utf-16-be':
      return utf16be();
    case 'utf-32':
      return Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32(text, false)]);
    case 'utf-32-le':
      return utf32(text, false);
    case 'utf-32-be':
      return utf32(text, true);
  }
}

const JSON_DOC = { stuff: 'ëlïxr', n: [1, 2] };

/**
 * Routes httpbin has no twin for: the raw request headers, and a JSON body in
 * a given UTF with no Content-Type (so no charset is declared).
 */
function startParityServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createHttpServer((req, res) => {
    const [, route, arg] = new URL(req.url ?? '/', 'http://x').pathname.split('/');
    if (route === 'raw-headers') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(req.rawHeaders));
    } else if (route === 'raw-body') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => res.end(Buffer.concat(chunks).toString('latin1')));
    } else if (route === 'json-in' && ENCODINGS.includes(arg as JsonUtf)) {
      // No Content-Type at all: requests then guesses the UTF from the first bytes.
      res.end(pythonEncode(JSON.stringify(JSON_DOC), arg as JsonUtf));
    } else {
      res.writeHead(404).end();
    }
  });
  return listenOnLoopback(server).then((port) => ({
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }));
}

/** test_lowlevel's server: answers every request with two Content-Length headers that disagree. */
async function startConflictingLengthServer(): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  let requests = 0;
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', () => {
      requests++;
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 16\r\nContent-Length: 32\r\n\r\n-- Bad Actor -- Original Content\r\n');
    });
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}/`,
    requests: () => requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

describe.each(executorCases)('requests parity on $name', ({ make }) => {
  let httpbin: Httpbin;
  let parity: Awaited<ReturnType<typeof startParityServer>>;
  let conflicting: Awaited<ReturnType<typeof startConflictingLengthServer>>;
  let executor: Executor;

  beforeAll(async () => {
    [httpbin, parity, conflicting] = await Promise.all([startHttpbin(), startParityServer(), startConflictingLengthServer()]);
    executor = make();
  });
  afterAll(async () => {
    await executor.shutdown();
    await Promise.all([httpbin.close(), parity.close(), conflicting.close()]);
  });

  async function withSession(options: ConstructorParameters<typeof FuturesSession>[0], body: (session: FuturesSession) => Promise<void>): Promise<void> {
    const session = new FuturesSession({ executor, ...options });
    try {
      await body(session);
    } finally {
      await session.close();
    }
  }

  it('test_headers_on_session_with_None_are_not_sent: a session header set to null is not sent; for Accept-Encoding the wire carries `identity`, as http.client puts it under requests, never got\'s gzip, deflate, br', () =>
    withSession({ headers: { 'Accept-Encoding': null } }, async (session) => {
      const response = await session.get(`${parity.url}/raw-headers`);
      const raw = response.json() as string[];
      const sent = new Map(raw.flatMap((value, index) => (index % 2 === 0 ? [[value.toLowerCase(), raw[index + 1]!] as const] : [])));
      expect(response.request.headers.has('Accept-Encoding')).toBe(false);
      expect(sent.get('accept-encoding')).toBe('identity');
      expect(sent.get('accept')).toBe('*/*');
      // A request-level null takes any other header off the wire altogether.
      const perRequest = await session.get(`${parity.url}/raw-headers`, { headers: { Accept: null } });
      expect((perRequest.json() as string[]).map((value) => value.toLowerCase())).not.toContain('accept');
      expect(perRequest.request.headers.has('Accept')).toBe(false);
    }),
  );

  it('a session that keeps its default Accept-Encoding still sends it', () =>
    withSession({}, async (session) => {
      const raw = (await session.get(`${parity.url}/raw-headers`)).json() as string[];
      expect(raw[raw.findIndex((name) => name.toLowerCase() === 'accept-encoding') + 1]).toBe('gzip, deflate, br');
    }),
  );

  it('response hooks run on every response of a redirect chain, in order (requests dispatches them in send and resolve_redirects: 3 times for /redirect/2)', () =>
    withSession({ hooks: { response: [hook('stampHookOrder')] } }, async (session) => {
      const response = await session.get(`${httpbin.url}/redirect/2`);
      expect(response.history).toHaveLength(2);
      const order = [...response.history, response].map((r) => r.hookOrder as number);
      expect(order.every((n) => Number.isInteger(n))).toBe(true);
      expect(order[1]! - order[0]!).toBe(1);
      expect(order[2]! - order[1]!).toBe(1);
      expect(response.history.map((r) => r.statusCode)).toEqual([302, 302]);
    }),
  );

  it('response hooks run on a redirect response before it is followed: the one past maxRedirects is hooked before TooManyRedirects', () =>
    withSession({ hooks: { response: [hook('stampHookOrder')] }, maxRedirects: 2 }, async (session) => {
      const error = await session.get(`${httpbin.url}/redirect/5`).result().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TooManyRedirects);
      const response = (error as TooManyRedirects).response as Response;
      expect(response.history).toHaveLength(2);
      const order = [...response.history, response].map((r) => r.hookOrder as number);
      expect(order.every((n) => Number.isInteger(n))).toBe(true);
      expect([order[1]! - order[0]!, order[2]! - order[1]!]).toEqual([1, 1]);
    }),
  );

  it('test_redirect_history_no_self_reference: r.history[i].history is r.history[:i]', () =>
    withSession({}, async (session) => {
      const r = await session.get(`${httpbin.url}/redirect/3`);
      expect(r.statusCode).toBe(200);
      expect(r.history).toHaveLength(3);
      r.history.forEach((resp, i) => {
        expect(resp).toBeInstanceOf(Response);
        expect(resp.history).not.toContain(resp);
        expect(resp.history).toHaveLength(i);
        resp.history.forEach((earlier, j) => expect(earlier).toBe(r.history[j]));
      });
    }),
  );

  it('test_cookie_removed_on_expire: a Set-Cookie that expired takes the cookie out of the jar', () =>
    withSession({}, async (session) => {
      await session.get(`${httpbin.url}/cookies/set?foo=bar`);
      expect(session.cookies.get('foo')).toBe('bar');
      await session.get(`${httpbin.url}/response-headers`, { params: { 'Set-Cookie': 'foo=deleted; expires=Thu, 01-Jan-1970 00:00:01 GMT' } });
      expect(session.cookies.get('foo')).toBeUndefined();
      expect(session.cookies.toObject()).not.toHaveProperty('foo');
      expect(session.cookies.size).toBe(0);
      const sent = (await session.get(`${httpbin.url}/cookies`)).json() as { cookies: Record<string, string> };
      expect(sent.cookies).toEqual({});
    }),
  );

  it('test_cookie_removed_on_expire (Max-Age=0, as httpbin /cookies/delete sends it)', () =>
    withSession({}, async (session) => {
      await session.get(`${httpbin.url}/cookies/set?foo=bar&keep=1`);
      await session.get(`${httpbin.url}/cookies/delete?foo`);
      expect(session.cookies.toObject()).toEqual({ keep: '1' });
    }),
  );

  it('test_cookie_duplicate_names_different_domains: get(name) raises CookieConflictError, get(name, { domain }) picks one', () =>
    withSession({}, async (session) => {
      const key = 'some_cookie';
      const value = 'some_value';
      session.cookies.set(key, value, { domain: 'test1.com' });
      session.cookies.set(key, value, { domain: 'test2.com' });
      expect(session.cookies.size).toBe(2);
      expect(() => session.cookies.get(key)).toThrow(CookieConflictError);
      expect(() => session.cookies.get(key)).toThrow(/multiple cookies with name, 'some_cookie'/);
      expect(session.cookies.get(key, { domain: 'test1.com' })).toBe(value);
      // A cookie set for every host (no domain) conflicts with a domain's cookie of the same name.
      session.cookies.set('solo', 'a');
      expect(session.cookies.get('solo')).toBe('a');
      session.cookies.set('solo', 'b', { domain: 'test1.com' });
      expect(() => session.cookies.get('solo')).toThrow(CookieConflictError);
      expect(session.cookies.get('solo', { domain: 'test1.com' })).toBe('b');
    }),
  );

  it('test_conflicting_content_lengths: two Content-Length headers that disagree are InvalidHeader', () =>
    withSession({}, async (session) => {
      const before = conflicting.requests();
      const error = await session.get(conflicting.url).result().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvalidHeader);
      expect(error).toBeInstanceOf(RequestException);
      expect((error as Error).message).toMatch(/Content-Length/i);
      expect((error as Error).message).toContain(conflicting.url);
      expect(conflicting.requests()).toBeGreaterThan(before);
    }),
  );

  it('test_json_decode_compatibility and test_json_decode_persists_doc_attr: a JSONDecodeError (a RequestException) that does not quote the body, which is its doc', () =>
    withSession({}, async (session) => {
      const r = await session.get(`${httpbin.url}/bytes/20`);
      let error: unknown;
      try {
        r.json();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(JSONDecodeError);
      expect(error).toBeInstanceOf(RequestException);
      expect(String(error)).not.toContain(r.text);
      expect((error as Error).message).not.toContain(r.text.slice(0, 4));
      expect((error as JSONDecodeError).doc).toBe(r.text);
      expect((error as Error).message).toContain(`${httpbin.url}/bytes/20`);
    }),
  );


  it('test_json_decode_persists_doc_attr: a JSONDecodeError raised by json() in a response hook arrives typed, with its doc', () =>
    withSession({ hooks: { response: [hook('returnJson')] } }, async (session) => {
      const error = await session.get(`${httpbin.url}/bytes/20`).result().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(JSONDecodeError);
      expect((error as JSONDecodeError).doc).toHaveLength(20);
      expect((error as Error).message).not.toContain((error as JSONDecodeError).doc);
    }),
  );

  it.each(ENCODINGS)('TestGuessJSONUTF: json() reads a body in %s that declares no charset', async (encoding) =>
    withSession({}, async (session) => {
      const response = await session.get(`${parity.url}/json-in/${encoding}`);
      expect(response.encoding).toBeNull();
      expect(response.json()).toEqual(JSON_DOC);
    }),
  );

  it.each([
    ['ëlïxr', 'a str'],
    [new TextEncoder().encode('ëlïxr'), 'bytes'],
    ['elixr', 'an ASCII str'],
    [new TextEncoder().encode('elixr'), 'ASCII bytes'],
  ] as const)('test_unicode_multipart_post: a form field of %s (%s) is sent as its text, in multipart and urlencoded', async (value, _kind) =>
    withSession({}, async (session) => {
      const expected = typeof value === 'string' ? value : new TextDecoder().decode(value);
      const multipart = await session.post(`${httpbin.url}/post`, { data: { stuff: value }, files: { file: { filename: 'test_requests.py', content: 'print(1)\n' } } });
      expect(multipart.statusCode).toBe(200);
      expect((multipart.json() as { form: Record<string, string> }).form).toEqual({ stuff: expected });
      const urlencoded = await session.post(`${httpbin.url}/post`, { data: { stuff: value } });
      expect((urlencoded.json() as { form: Record<string, string> }).form).toEqual({ stuff: expected });
    }),
  );

  it('test_unicode_multipart_post: urlencoded bytes are sent byte for byte, even when they are not UTF-8', () =>
    withSession({}, async (session) => {
      const response = await session.post(`${parity.url}/raw-body`, { data: { raw: new Uint8Array([0xff, 0x20, 0x61, 0x2c]) } });
      expect(response.text).toBe('raw=%FF+a%2C');
      expect(response.request.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    }),
  );

  it('test_unicode_multipart_post: bytes in a multipart field are sent byte for byte, even when they are not UTF-8', () =>
    withSession({}, async (session) => {
      const response = await session.post(`${parity.url}/raw-body`, { data: { raw: new Uint8Array([0xff, 0x00, 0x61]) }, files: { f: 'x' } });
      // The server echoes what it received as latin1 text, one character per byte.
      expect(Buffer.from(response.content).toString('utf8')).toContain('Content-Disposition: form-data; name="raw"\r\n\r\n\xff\x00a\r\n');
    }),
  );
});

describe('JSONDecodeError messages', () => {
  it('test_json_decode_compatibility: a body cut short, one with trailing data, and one with a bad token say what broke without quoting the body', () => {
    const responseWith = (body: string) =>
      new Response({ statusCode: 200, url: 'http://127.0.0.1/x', headers: new CaseInsensitiveHeaders(), content: Buffer.from(body), request: { method: 'GET', url: 'http://127.0.0.1/x', headers: new CaseInsensitiveHeaders() } });
    const messageOf = (body: string) => {
      try {
        responseWith(body).json();
      } catch (error) {
        expect(error).toBeInstanceOf(JSONDecodeError);
        return (error as JSONDecodeError).message;
      }
      throw new Error('json() did not throw');
    };
    expect(messageOf('{"a": "secret", "b":')).toMatch(/^Unexpected end of JSON input/);
    expect(messageOf('{"a": 1} secret')).toMatch(/at position 9/);
    expect(messageOf('secret')).toMatch(/^Unexpected token/);
    for (const body of ['{"a": "secret", "b":', '{"a": 1} secret', 'secret']) expect(messageOf(body)).not.toContain('secret');
  });
});

describe('TestGuessJSONUTF (requests tests/test_utils.py)', () => {
  it.each(ENCODINGS)('test_encoded: "{}" in %s', (encoding) => {
    expect(guessJsonUtf(pythonEncode('{}', encoding))).toBe(encoding);
  });

  it('test_bad_utf_like_encoding: four nulls are no encoding', () => {
    expect(guessJsonUtf(new Uint8Array([0, 0, 0, 0]))).toBeNull();
  });

  it.each([
    ['utf-16-be', 'utf-16'],
    ['utf-16-le', 'utf-16'],
    ['utf-32-be', 'utf-32'],
    ['utf-32-le', 'utf-32'],
  ] as const)('test_guess_by_bom: a BOM in %s is %s', (encoding, expected) => {
    expect(guessJsonUtf(pythonEncode('\ufeff{}', encoding))).toBe(expected);
  });
});
