/**
 * A "__proto__" key is data, and both executors give the same answer for it
 * (issue 12, finding 8). A server's JSON body holding one, stored on the
 * response by a hook (`resp.data = resp.json()`), comes back as an own data
 * property; params, headers and a json body built by JSON.parse with such a
 * key are sent as written. A header named `__proto__` is a legal HTTP token,
 * so it is sent. Nothing anywhere gains a prototype or a polluted property.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { FuturesSession, Session, fnRef, type Executor, type Response } from '@requests-futures/core';
import { listenOnLoopback } from '@requests-futures/testing';
import { executorCases } from './support/executors.js';

const POLLUTING_BODY = '{"__proto__": {"polluted": 1}, "a": 1}';
const SET_DATA = fnRef(new URL('../fixtures/session-hooks.ts', import.meta.url), 'setData');

/** What the server saw: the request target, the raw header list and the body. */
interface Seen {
  url: string;
  rawHeaders: string[];
  body: string;
}

/** /json answers POLLUTING_BODY (and a `__proto__` response header); any other path echoes the request. */
async function startServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/cookie') {
        response.setHeader('Set-Cookie', '__proto__=from-server; Path=/');
        response.end('set');
        return;
      }
      if (request.url === '/json') {
        response.setHeader('__proto__', 'from-server');
        response.setHeader('Content-Type', 'application/json');
        response.end(POLLUTING_BODY);
        return;
      }
      const seen: Seen = { url: request.url ?? '', rawHeaders: request.rawHeaders, body: Buffer.concat(chunks).toString('utf8') };
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify(seen));
    });
  });
  const port = await listenOnLoopback(server);
  return { server, url: `http://127.0.0.1:${port}` };
}

/** The value of the own "__proto__" property (the accessor would return the prototype instead). */
function ownProto(value: unknown): unknown {
  expect(Object.hasOwn(value as object, '__proto__')).toBe(true);
  return Object.getOwnPropertyDescriptor(value as object, '__proto__')!.value;
}

function headerValues(seen: Seen, name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < seen.rawHeaders.length; i += 2) if (seen.rawHeaders[i]!.toLowerCase() === name) values.push(seen.rawHeaders[i + 1]!);
  return values;
}

const parsed = (text: string): Record<string, string> => JSON.parse(text) as Record<string, string>;

afterEach(() => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe.each(executorCases)('a "__proto__" key on $name: carried as data, both ways', ({ make }) => {
  let server: Server;
  let base: string;
  let executor: Executor;
  let session: FuturesSession;

  beforeAll(async () => {
    ({ server, url: base } = await startServer());
    executor = make();
    session = new FuturesSession({ executor });
  });
  afterAll(async () => {
    await session.close();
    await executor.shutdown();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a hook that stores resp.json() of a body with "__proto__" returns it as an own data property', async () => {
    const response = (await session.get(`${base}/json`, { hooks: { response: SET_DATA } })) as Response & { data: unknown };
    const data = response.data as Record<string, unknown>;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(ownProto(data)).toEqual({ polluted: 1 });
    expect(Object.getPrototypeOf(ownProto(data))).toBe(Object.prototype);
    expect(data.a).toBe(1);
    expect(data.polluted).toBeUndefined();
    // And a response header of that name is just a header.
    expect(response.headers.get('__proto__')).toBe('from-server');
  });

  it('params from JSON.parse with "__proto__" are sent, alone and merged with the session\'s', async () => {
    const alone = (await session.get(`${base}/echo`, { params: parsed('{"__proto__": "p", "q": "1"}') })).json() as Seen;
    expect(alone.url).toBe('/echo?__proto__=p&q=1');
    const merging = new FuturesSession({ executor, params: { z: '0' } });
    try {
      const merged = (await merging.get(`${base}/echo`, { params: parsed('{"__proto__": "p", "q": "1"}') })).json() as Seen;
      expect(merged.url).toBe('/echo?z=0&__proto__=p&q=1');
    } finally {
      await merging.close();
    }
  });

  it('a header named "__proto__" (request- or session-level) is sent; the server receives it', async () => {
    const seen = (await session.get(`${base}/echo`, { headers: parsed('{"__proto__": "h1", "X-Other": "o"}') })).json() as Seen;
    expect(headerValues(seen, '__proto__')).toEqual(['h1']);
    expect(headerValues(seen, 'x-other')).toEqual(['o']);
    const withSessionHeader = new FuturesSession({ executor, headers: parsed('{"__proto__": "from-session"}') });
    try {
      const fromSession = (await withSessionHeader.get(`${base}/echo`)).json() as Seen;
      expect(headerValues(fromSession, '__proto__')).toEqual(['from-session']);
    } finally {
      await withSessionHeader.close();
    }
  });

  it('a cookie named "__proto__" is kept by the session jar and sent back', async () => {
    const response = await session.get(`${base}/cookie`);
    // response.cookies too: assigned onto a plain object, the name used to vanish into the prototype setter.
    expect(Object.getPrototypeOf(response.cookies)).toBe(Object.prototype);
    expect(ownProto(response.cookies)).toBe('from-server');
    expect(session.cookies.get('__proto__')).toBe('from-server');
    const all = session.cookies.toObject();
    expect(Object.getPrototypeOf(all)).toBe(Object.prototype);
    expect(ownProto(all)).toBe('from-server');
    const seen = (await session.get(`${base}/echo`)).json() as Seen;
    expect(headerValues(seen, 'cookie')).toEqual(['__proto__=from-server']);
  });

  it('a json body with "__proto__" is sent as written', async () => {
    const seen = (await session.post(`${base}/echo`, { json: JSON.parse(POLLUTING_BODY) as unknown })).json() as Seen;
    expect(JSON.parse(seen.body)).toEqual(JSON.parse(POLLUTING_BODY));
    expect(seen.body).toBe(JSON.stringify(JSON.parse(POLLUTING_BODY)));
  });
});

describe('a "__proto__" key on Session (no executor)', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    ({ server, url: base } = await startServer());
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('params and headers are sent as written', async () => {
    const session = new Session();
    try {
      const seen = (await session.get(`${base}/echo`, { params: parsed('{"__proto__": "p"}'), headers: parsed('{"__proto__": "h"}') })).json() as Seen;
      expect(seen.url).toBe('/echo?__proto__=p');
      expect(headerValues(seen, '__proto__')).toEqual(['h']);
    } finally {
      await session.close();
    }
  });
});
