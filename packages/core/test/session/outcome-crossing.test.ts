/**
 * A response crosses back from a child without echoing the request headers
 * the coordinator already has, and with its Set-Cookie records once (#14 item 2);
 * the coordinator rebuilds the same views a thread pool's response has.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import v8 from 'node:v8';
import { FuturesSession, ProcessPoolExecutor, ThreadPoolExecutor, type Response } from '@requests-futures/core';
import { decode, encode, type Wire } from '@requests-futures/serializer';
import { listenOnLoopback } from '@requests-futures/testing';
import { CaseInsensitiveHeaders } from '../../dist/http/headers.js';
import { packOutcome, unpackOutcome } from '../../dist/http/outcome-crossing.js';
import { Response as ResponseClass } from '../../dist/http/response.js';
import type { RequestSpec } from '../../dist/http/request-spec.js';

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/cookie-then-redirect') {
      res.writeHead(302, { Location: '/echo', 'Set-Cookie': ['a=1; Path=/', 'b=2; Path=/'] }).end();
      return;
    }
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Set-Cookie': 'c=3; Path=/' });
      res.end(JSON.stringify({ headers: req.headers, body }));
    });
  });
  base = `http://127.0.0.1:${await listenOnLoopback(server)}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** What a test compares: every view of the response that depends on what crossed. */
function views(response: Response) {
  return [response, ...response.history].map((r) => ({
    url: r.url,
    request: [r.request.method, r.request.url],
    sent: r.request.headers.entries(),
    cookies: r.cookies,
    setCookies: r.setCookies,
    received: r.headers.entries().filter(([name]) => name.toLowerCase() !== 'date'),
  }));
}

async function through(executor: ThreadPoolExecutor | ProcessPoolExecutor, run: (session: FuturesSession) => Promise<Response>) {
  const session = new FuturesSession({ executor, headers: { 'X-Session': 's' } });
  try {
    const response = await run(session);
    return { views: views(response), jar: session.cookies.toObject(), echoed: (response.json() as { headers: Record<string, string> }).headers };
  } finally {
    await session.close();
    await executor.shutdown({ wait: true });
  }
}

describe('a response from a child has the views a thread pool gives', () => {
  const cases: Array<[string, (session: FuturesSession) => Promise<Response>]> = [
    ['a plain GET', (s) => s.get(`${base}/echo`)],
    ['a POST (Content-Type and Content-Length sent on top of the spec)', (s) => s.post(`${base}/echo`, { data: { k: 'v' } })],
    ['a redirect that set cookies (history, Cookie on the second hop, records on both)', (s) => s.get(`${base}/cookie-then-redirect`, { headers: { Authorization: 'Bearer t' } })],
    ['a request header removed with null', (s) => s.get(`${base}/echo`, { headers: { 'X-Session': null, 'Accept-Encoding': 'identity' } })],
  ];
  it.each(cases)('%s', async (_name, run) => {
    const inProcess = await through(new ThreadPoolExecutor({ maxWorkers: 2 }), run);
    const fromChild = await through(new ProcessPoolExecutor({ maxWorkers: 1 }), run);
    expect(fromChild.views).toEqual(inProcess.views);
    expect(fromChild.views.every((view) => view.sent.length > 0)).toBe(true);
    expect(fromChild.jar).toEqual(inProcess.jar);
    // What the server received is what the response says was sent.
    const last = fromChild.views[0]!;
    for (const [name, value] of last.sent) expect(fromChild.echoed[name.toLowerCase()]).toBe(value);
  });
});

describe('packOutcome', () => {
  const spec = { headers: { 'User-Agent': 'ua-of-the-spec', Accept: '*/*', Dropped: null } } as unknown as RequestSpec;

  function responseSent(sent: Array<[string, string]>, setCookies: Response['setCookies'] = []): Response {
    return new ResponseClass({
      statusCode: 200,
      url: 'http://h/x',
      headers: new CaseInsensitiveHeaders({ 'Content-Type': 'text/plain' }),
      request: { method: 'GET', url: 'http://h/x', headers: new CaseInsensitiveHeaders(sent) },
      setCookies,
    });
  }

  function crossed(outcome: Parameters<typeof packOutcome>[0]) {
    const wire = encode(packOutcome(outcome, spec));
    return { text: JSON.stringify(wire.json), back: unpackOutcome(decode(v8.deserialize(v8.serialize(wire)) as Wire), spec) };
  }

  it("leaves the spec's headers out, sends only those sent after them, and rebuilds them all", () => {
    const records = [{ url: 'http://h/x', header: 'sid=once-only; Path=/' }];
    const response = responseSent([['User-Agent', 'ua-of-the-spec'], ['Accept', '*/*'], ['Cookie', 'k=v']], records);
    const { text, back } = crossed({ value: response, setCookies: records });
    expect(text).not.toContain('ua-of-the-spec');
    expect(text).toContain('Cookie');
    expect(text.split('once-only').length - 1).toBe(1);
    const value = back.value as Response;
    expect(value.request.headers).toBeInstanceOf(CaseInsensitiveHeaders);
    expect(value.request.headers.entries()).toEqual([['User-Agent', 'ua-of-the-spec'], ['Accept', '*/*'], ['Cookie', 'k=v']]);
    expect(back.setCookies).toEqual(records);
  });

  it("leaves out the final response's URL and its request's method and URL when they are the spec's, and rebuilds them", () => {
    const withUrl = { ...spec, method: 'GET', url: 'http://h/x' } as RequestSpec;
    const response = responseSent([['User-Agent', 'ua-of-the-spec'], ['Accept', '*/*']]);
    const wire = encode(packOutcome({ value: response, setCookies: [] }, withUrl));
    expect(JSON.stringify(wire.json)).not.toContain('http://h/x');
    const value = unpackOutcome(decode(v8.deserialize(v8.serialize(wire)) as Wire), withUrl).value as Response;
    expect([value.url, value.request.method, value.request.url]).toEqual(['http://h/x', 'GET', 'http://h/x']);
    expect(value.request.headers.entries()).toEqual([['User-Agent', 'ua-of-the-spec'], ['Accept', '*/*']]);
    // Redirected (or a hook changed the URL): the URL crosses as it is.
    const moved = responseSent([['User-Agent', 'ua-of-the-spec'], ['Accept', '*/*']]);
    moved.url = 'http://h/elsewhere';
    const movedWire = encode(packOutcome({ value: moved, setCookies: [] }, withUrl));
    expect(JSON.stringify(movedWire.json)).toContain('http://h/elsewhere');
    const movedBack = unpackOutcome(decode(v8.deserialize(v8.serialize(movedWire)) as Wire), withUrl).value as Response;
    expect([movedBack.url, movedBack.request.url]).toEqual(['http://h/elsewhere', 'http://h/x']);
  });

  it("sends a redirect chain's Set-Cookie records once, and rebuilds each response's slice of them", () => {
    const first = { url: 'http://h/a', header: 'a=first-hop; Path=/' };
    const second = { url: 'http://h/x', header: 'b=final-hop; Path=/' };
    const redirect = responseSent([['User-Agent', 'ua-of-the-spec'], ['Accept', '*/*']], [{ ...first }]);
    const final = responseSent([['User-Agent', 'ua-of-the-spec'], ['Accept', '*/*'], ['Cookie', 'a=first-hop']], [first, second]);
    final.history = [redirect];
    const { text, back } = crossed({ value: final, setCookies: final.setCookies });
    expect(text.split('first-hop; Path').length - 1).toBe(1);
    expect(text.split('final-hop').length - 1).toBe(1);
    const value = back.value as Response;
    expect(value.setCookies).toEqual([first, second]);
    expect(value.history[0]!.setCookies).toEqual([first]);
    expect(back.setCookies).toEqual([first, second]);
  });

  it('sends headers whole when they do not start with the spec\'s, and a hook\'s value as it is', () => {
    const changed = crossed({ value: responseSent([['User-Agent', 'other'], ['Accept', '*/*']]), setCookies: [] });
    expect(changed.text).toContain('other');
    expect((changed.back.value as Response).request.headers.entries()).toEqual([['User-Agent', 'other'], ['Accept', '*/*']]);
    const replaced = crossed({ value: { summary: 1 }, setCookies: [{ url: 'http://h/', header: 'x=1' }] });
    expect(replaced.back).toEqual({ value: { summary: 1 }, setCookies: [{ url: 'http://h/', header: 'x=1' }] });
  });
});
