/**
 * Bad input fails with a typed error that names the culprit, and NOTHING is
 * sent: every bad request below targets a server that counts the connections
 * and requests it receives, and both counts stay at zero. Some are refused
 * synchronously by the session, some by the engine where the request runs
 * (this process or a child): either way before a socket is opened.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  FuturesSession,
  InvalidHeader,
  InvalidJSONError,
  InvalidSchema,
  JSONDecodeError,
  InvalidURL,
  MissingSchema,
  PicklingError,
  ProcessPoolExecutor,
  RequestException,
  Session,
  ThreadPoolExecutor,
  type Executor,
  type Future,
  type Response,
} from '@requests-futures/core';
import { startHttpbin, type Httpbin } from '@requests-futures/testing';
import { startCountingServer, type CountingServer } from './support/counting-server.js';
import { executorCases } from './support/executors.js';
import { errorOf } from './support/outcome.js';

type ErrorClass = abstract new (...args: never[]) => Error;

interface BadInput {
  /** What is wrong, as the test name says it. */
  readonly what: string;
  /** Starts the request (may throw at once). `target` is the counting server's URL. */
  send(session: FuturesSession, target: string, port: number): PromiseLike<unknown>;
  readonly error: ErrorClass | readonly ErrorClass[];
  /** What the message must contain to name the culprit. */
  readonly names: string | RegExp;
}

const BAD_INPUTS: readonly BadInput[] = [
  { what: 'CR/LF in a header name', send: (s, t) => s.get(t, { headers: { 'X-Evil\r\nInjected': 'v' } }), error: InvalidHeader, names: 'X-Evil' },
  { what: 'CR/LF in a header value', send: (s, t) => s.get(t, { headers: { 'X-Evil': 'a\r\nInjected: 1' } }), error: InvalidHeader, names: 'X-Evil' },
  { what: 'a bare LF in a header value', send: (s, t) => s.get(t, { headers: { 'X-Evil': 'a\nb' } }), error: InvalidHeader, names: 'X-Evil' },
  { what: 'CR/LF in a request cookie value', send: (s, t) => s.get(t, { cookies: { crumb: 'a\r\nInjected: 1' } }), error: InvalidHeader, names: /cookie/i },
  { what: 'an ftp:// URL', send: (s, _t, port) => s.get(`ftp://127.0.0.1:${port}/file`), error: InvalidSchema, names: `ftp://127.0.0.1:` },
  { what: 'a file:// URL', send: (s) => s.get('file:///etc/passwd'), error: InvalidSchema, names: 'file:///etc/passwd' },
  { what: 'a ws:// URL', send: (s, _t, port) => s.get(`ws://127.0.0.1:${port}/`), error: InvalidSchema, names: 'ws://127.0.0.1:' },
  { what: 'a URL with two ports', send: (s, _t, port) => s.get(`http://127.0.0.1:${port}:80/`), error: InvalidURL, names: `127.0.0.1:` },
  { what: 'a URL with a port out of range', send: (s) => s.get('http://127.0.0.1:99999/'), error: InvalidURL, names: '99999' },
  { what: 'a URL with an unclosed IPv6 bracket', send: (s, _t, port) => s.get(`http://[127.0.0.1:${port}/`), error: InvalidURL, names: 'http://[127.0.0.1' },
  { what: 'a URL without a host', send: (s) => s.get('http://'), error: InvalidURL, names: 'No host supplied' },
  { what: 'a URL without a scheme', send: (s) => s.get('127.0.0.1/x'), error: MissingSchema, names: '127.0.0.1/x' },
  { what: 'data that is a number', send: (s, t) => s.post(t, { data: 42 as never }), error: TypeError, names: 'data' },
  { what: 'data that is a Map', send: (s, t) => s.post(t, { data: new Map([['a', '1']]) as never }), error: TypeError, names: /data.*Map/ },
  { what: 'data that is a Date', send: (s, t) => s.post(t, { data: new Date(0) as never }), error: TypeError, names: /data.*Date/ },
  { what: 'a file part of an unsupported type', send: (s, t) => s.post(t, { files: { upload: 42 as never } }), error: TypeError, names: 'files.upload' },
  { what: 'json that cannot be serialized (a BigInt)', send: (s, t) => s.post(t, { json: { n: 1n } }), error: TypeError, names: 'json' },
  { what: 'json that is a function', send: (s, t) => s.post(t, { json: () => 1 }), error: [TypeError, PicklingError], names: 'json' },
  { what: 'a negative timeout', send: (s, t) => s.get(t, { timeout: -1 }), error: RangeError, names: /timeout.*-1/ },
  { what: 'a NaN timeout', send: (s, t) => s.get(t, { timeout: Number.NaN }), error: RangeError, names: /timeout.*NaN/ },
  { what: 'a negative read part of [connect, read]', send: (s, t) => s.get(t, { timeout: [1, -0.5] }), error: RangeError, names: /timeout.*-0.5/ },
  { what: 'a NaN connect part of [connect, read]', send: (s, t) => s.get(t, { timeout: [Number.NaN, 1] }), error: RangeError, names: /timeout.*NaN/ },
  { what: 'a timeout array of three', send: (s, t) => s.get(t, { timeout: [1, 2, 3] as never }), error: TypeError, names: /timeout.*3/ },
  { what: 'a timeout that is a string', send: (s, t) => s.get(t, { timeout: '5' as never }), error: TypeError, names: /timeout.*string "5"/ },
  { what: 'a [connect, read] pair with a string part', send: (s, t) => s.get(t, { timeout: ['1', 2] as never }), error: TypeError, names: /timeout \(connect\).*string "1"/ },
  { what: 'a timeout too large for a timer (1e10 s)', send: (s, t) => s.get(t, { timeout: 1e10 }), error: RangeError, names: /at most 2147483\.647 seconds/ },
  { what: 'a timeout one ms above the timer limit', send: (s, t) => s.get(t, { timeout: [1, 2147483.648] }), error: RangeError, names: /timeout \(read\) must be at most 2147483\.647 seconds/ },
  { what: 'a URL that is a number', send: (s) => s.get(12345 as never), error: TypeError, names: /url must be a string or a URL, got number 12345/ },
  { what: 'a URL that is undefined', send: (s) => s.get(undefined as never), error: TypeError, names: /url must be a string or a URL, got undefined/ },
  { what: 'a URL that is null', send: (s) => s.get(null as never), error: TypeError, names: /url must be a string or a URL, got null/ },
  { what: 'a URL that is a plain object', send: (s) => s.get({} as never), error: TypeError, names: /url must be a string or a URL, got Object/ },
  { what: 'test_header_value_not_str: a header value that is an object', send: (s, t) => s.get(t, { headers: { bar: { foo: 'bar' } } as never }), error: InvalidHeader, names: /Header bar must be a string/ },
  { what: 'test_header_value_not_str: a header value that is a list', send: (s, t) => s.get(t, { headers: { baz: ['foo', 'bar'] } as never }), error: InvalidHeader, names: /Header baz must be a string/ },
  { what: 'test_header_value_not_str: a header value that is a boolean', send: (s, t) => s.get(t, { headers: { qux: true } as never }), error: InvalidHeader, names: /Header qux must be a string/ },
  { what: 'test_header_value_not_str: a header value that is NaN', send: (s, t) => s.get(t, { headers: { 'X-Count': Number.NaN } }), error: InvalidHeader, names: /Header X-Count .* got NaN/ },
  { what: 'test_post_json_nan: json holding NaN', send: (s, t) => s.post(t, { json: { foo: Number.NaN } }), error: InvalidJSONError, names: /not JSON compliant: NaN at json\["foo"\]/ },
  { what: 'test_post_json_nan: json holding Infinity, deep in a list', send: (s, t) => s.post(t, { json: { a: [1, -Infinity] } }), error: InvalidJSONError, names: /not JSON compliant: -Infinity/ },
  { what: 'test_post_json_nan: json that is Infinity', send: (s, t) => s.post(t, { json: Infinity }), error: InvalidJSONError, names: /not JSON compliant: Infinity at json$/ },
  { what: 'a method that is not a string', send: (s, t) => s.request(42 as never, t), error: TypeError, names: /method must be a string.*42/ },
  { what: 'a negative maxResponseBytes', send: (s, t) => s.get(t, { maxResponseBytes: -1 }), error: TypeError, names: 'maxResponseBytes' },
];

function expectError(error: Error, expected: BadInput['error']): void {
  const classes = Array.isArray(expected) ? expected : [expected];
  if (!classes.some((cls) => error instanceof cls)) {
    throw new Error(`expected ${classes.map((c) => c.name).join(' or ')}, got ${error.name}: ${error.message}`);
  }
}

describe.each(executorCases)('bad input on $name: a typed error and nothing sent', ({ make }) => {
  let counting: CountingServer;
  let executor: Executor;
  let session: FuturesSession;

  beforeAll(async () => {
    counting = await startCountingServer();
    executor = make();
    session = new FuturesSession({ executor });
  });
  afterEach(async () => {
    await counting.quiesce();
    expect({ connections: counting.connections, requests: counting.requests }).toEqual({ connections: 0, requests: 0 });
  });
  afterAll(async () => {
    await session.close();
    await executor.shutdown();
    await counting.close();
  });

  it.each(BAD_INPUTS)('$what', async ({ send, error: expected, names }) => {
    const error = await errorOf(() => send(session, `${counting.url}/target`, counting.port));
    expectError(error, expected);
    if (typeof names === 'string') expect(error.message).toContain(names);
    else expect(error.message).toMatch(names);
  });

  it('CR/LF in a session-level header fails every request with InvalidHeader naming it', async () => {
    const local = new FuturesSession({ executor, headers: { 'X-Session': 'a\r\nInjected: 1' } });
    const error = await errorOf(() => local.get(counting.url));
    expect(error).toBeInstanceOf(InvalidHeader);
    expect(error.message).toContain('X-Session');
    await local.close();
  });

  it('test_post_json_nan: InvalidJSONError is a RequestException (and JSONDecodeError an InvalidJSONError, as in requests)', async () => {
    const error = await errorOf(() => session.post(counting.url, { json: { foo: Number.NaN } }));
    expect(error).toBeInstanceOf(InvalidJSONError);
    expect(error).toBeInstanceOf(RequestException);
    expect(error.name).toBe('InvalidJSONError');
    expect(new JSONDecodeError('x')).toBeInstanceOf(InvalidJSONError);
  });

  it('test_header_value_not_str: a session-level header value that is not a string is refused when set', async () => {
    expect(() => new FuturesSession({ executor, headers: { bar: { foo: 'bar' } } as never })).toThrow(InvalidHeader);
    expect(() => new FuturesSession({ executor, headers: { baz: ['foo'] } as never })).toThrow(/Header baz must be a string/);
    // Set on the session's headers afterwards (bypassing the types): refused at the request, on either executor alike.
    const local = new FuturesSession({ executor });
    local.headers.set('X-Late', { no: 1 } as never);
    const error = await errorOf(() => local.get(counting.url));
    expect(error).toBeInstanceOf(InvalidHeader);
    expect(error.message).toContain('X-Late');
    await local.close();
  });

  it('a URL, method or timeout of the wrong type is refused synchronously, at the call', () => {
    for (const url of [12345, undefined, null, {}]) {
      expect(() => session.get(url as never)).toThrow(TypeError);
      expect(() => session.get(url as never)).toThrow(/^url must be a string or a URL/);
    }
    expect(() => session.request(42 as never, counting.url)).toThrow(/^method must be a string/);
    expect(() => session.get(counting.url, { timeout: '5' as never })).toThrow(TypeError);
    expect(() => session.get(counting.url, { timeout: 1e10 })).toThrow(RangeError);
  });

  it('a string, a too-large or a mistyped timeout set on the session is refused when set', async () => {
    expect(() => new FuturesSession({ executor, timeout: '5' as never })).toThrow(TypeError);
    expect(() => new FuturesSession({ executor, timeout: ['1', 2] as never })).toThrow(/timeout \(connect\).*string "1"/);
    expect(() => new FuturesSession({ executor, timeout: 1e10 })).toThrow(/at most 2147483\.647 seconds/);
    const local = new FuturesSession({ executor });
    expect(() => {
      local.timeout = '5' as never;
    }).toThrow(TypeError);
    expect(() => {
      local.timeout = [1, 1e10];
    }).toThrow(RangeError);
    expect(local.timeout).toBeUndefined();
    // The largest timer Node can set, and Infinity (no timer), are fine.
    local.timeout = 2147483.647;
    local.timeout = [Infinity, null];
    expect(local.timeout).toEqual([Infinity, null]);
    await local.close();
  });

  it('a negative or NaN timeout set on the session is refused when set', async () => {
    expect(() => new FuturesSession({ executor, timeout: -2 })).toThrow(/timeout.*-2/);
    expect(() => new FuturesSession({ executor, timeout: [Number.NaN, 1] })).toThrow(/timeout.*NaN/);
    const local = new FuturesSession({ executor });
    expect(() => {
      local.timeout = -3;
    }).toThrow(RangeError);
    expect(() => {
      local.timeout = Number.NaN;
    }).toThrow(/timeout.*NaN/);
    // The refused value did not stick.
    expect(local.timeout).toBeUndefined();
    await local.close();
  });
});

/** A FuturesSession on a fresh executor for `use`, both closed afterwards. */
async function withSession(make: () => Executor, options: { headers?: Record<string, number> }, use: (session: FuturesSession) => Promise<void>): Promise<void> {
  const executor = make();
  const session = new FuturesSession({ executor, ...options });
  try {
    await use(session);
  } finally {
    await session.close();
    await executor.shutdown();
  }
}

describe('URL objects are accepted (as got and fetch accept one)', () => {
  let counting: CountingServer;
  beforeAll(async () => {
    counting = await startCountingServer();
  });
  afterAll(async () => {
    await counting.close();
  });

  /** Sends a URL object with params through `session`: sent once, params appended, the URL object untouched. */
  async function sendUrlObject(session: FuturesSession | Session): Promise<void> {
    const before = counting.requests;
    const url = new URL(`${counting.url}/target?a=1`);
    const response = await session.get(url, { params: { b: '2' } });
    expect(response.statusCode).toBe(200);
    expect(response.url).toBe(`${counting.url}/target?a=1&b=2`);
    expect(url.href).toBe(`${counting.url}/target?a=1`);
    expect(counting.requests - before).toBe(1);
  }

  it.each(executorCases)('by FuturesSession on $name, and by session.map alone or as { url }', ({ make }) =>
    withSession(make, {}, async (session) => {
      await sendUrlObject(session);
      const urls: string[] = [];
      for await (const future of session.map([new URL(`${counting.url}/one`), { url: new URL(`${counting.url}/two`) }], { ordered: true })) {
        urls.push((await future.result()).url);
      }
      expect(urls).toEqual([`${counting.url}/one`, `${counting.url}/two`]);
    }),
  );

  it('by Session', async () => {
    const session = new Session();
    try {
      await sendUrlObject(session);
    } finally {
      await session.close();
    }
  });
});

describe('what requests accepts is sent as requests sends it', () => {
  let httpbin: Httpbin;
  beforeAll(async () => {
    httpbin = await startHttpbin();
  });
  afterAll(async () => {
    await httpbin.close();
  });

  it.each(executorCases)('test_invalid_files_input: a null file entry is skipped, the others sent, on $name', ({ make }) =>
    withSession(make, {}, async (session) => {
      const response = await session.post(`${httpbin.url}/post`, { files: { 'random-file-1': null, 'random-file-2': '1' } });
      expect((response.json() as { files: Record<string, unknown> }).files).toEqual({ 'random-file-2': '1' });
    }),
  );

  it.each(executorCases)('test_header_value_not_str (documented difference): a finite number is sent as its decimal text, on $name', ({ make }) =>
    withSession(make, { headers: { 'X-Session-Count': 7 } }, async (session) => {
      const response = await session.get(`${httpbin.url}/headers`, { headers: { 'X-Count': 3, 'X-Ratio': 0.5 } });
      const { headers } = response.json() as { headers: Record<string, string> };
      expect({ count: headers['X-Count'], ratio: headers['X-Ratio'], session: headers['X-Session-Count'] }).toEqual({ count: '3', ratio: '0.5', session: '7' });
    }),
  );
});

describe('a redirect to a non-http(s) URL: InvalidSchema, and the target is never contacted', () => {
  let httpbin: Httpbin;
  let counting: CountingServer;
  beforeAll(async () => {
    [httpbin, counting] = await Promise.all([startHttpbin(), startCountingServer()]);
  });
  afterAll(async () => {
    await Promise.all([httpbin.close(), counting.close()]);
  });

  it.each(executorCases)('on $name', async ({ make }) => {
    const executor = make();
    const session = new FuturesSession({ executor });
    try {
      for (const target of [`ftp://127.0.0.1:${counting.port}/x`, 'file:///etc/passwd', `gopher://127.0.0.1:${counting.port}/`]) {
        const future: Future<Response> = session.get(`${httpbin.url}/redirect-to?url=${encodeURIComponent(target)}`);
        const error = await errorOf(() => future);
        expect(error).toBeInstanceOf(InvalidSchema);
        expect(error.message).toContain(target);
        expect(error.message).toContain('redirected from');
      }
      await counting.quiesce();
      expect({ connections: counting.connections, requests: counting.requests }).toEqual({ connections: 0, requests: 0 });
    } finally {
      await session.close();
      await executor.shutdown();
    }
  });
});

describe('maxWorkers < 1 is refused by every constructor, naming maxWorkers', () => {
  const BAD_COUNTS = [0, -1, 1.5, Number.NaN];

  it.each(BAD_COUNTS)('maxWorkers: %p', (maxWorkers) => {
    expect(() => new ThreadPoolExecutor({ maxWorkers })).toThrow(RangeError);
    expect(() => new ThreadPoolExecutor({ maxWorkers })).toThrow(/maxWorkers/);
    expect(() => new ProcessPoolExecutor({ maxWorkers })).toThrow(RangeError);
    expect(() => new ProcessPoolExecutor({ maxWorkers })).toThrow(/maxWorkers/);
    expect(() => new FuturesSession({ maxWorkers })).toThrow(RangeError);
    expect(() => new FuturesSession({ maxWorkers })).toThrow(/maxWorkers/);
  });
});
