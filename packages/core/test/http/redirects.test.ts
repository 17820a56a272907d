import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { standaloneTaskContext } from '../../dist/task-context.js';
import { AgentPool } from '../../dist/http/agents.js';
import { InvalidSchema, TooManyRedirects } from '../../dist/http/errors.js';
import { leavesOrigin, redirectMethod } from '../../dist/http/redirects.js';
import { performRequest } from '../../dist/http/request.js';
import type { RequestSpec } from '../../dist/http/request-spec.js';
import type { Response } from '../../dist/http/response.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { specFor, type SpecOverrides } from './spec-for.js';

let server: TestServer;
let other: TestServer;
let agents: AgentPool;
beforeAll(async () => {
  [server, other] = await Promise.all([startTestServer(), startTestServer()]);
  agents = new AgentPool();
});
afterAll(async () => {
  agents.destroy();
  await Promise.all([server.close(), other.close()]);
});

const send = (path: string, overrides: SpecOverrides = {}) => performRequest(specFor(server.url + path, overrides), standaloneTaskContext(), { agents });
const redirectTo = (target: string, status: number) => `/redirect-to?url=${encodeURIComponent(target)}&status_code=${status}`;

describe('following redirects', () => {
  it('builds history of responses, in order, and ends on the final URL', async () => {
    const r = await send('/redirect/3');
    expect(r.statusCode).toBe(200);
    expect(r.url).toBe(`${server.url}/get`);
    expect(r.history.map((h: Response) => h.statusCode)).toEqual([302, 302, 302]);
    expect(r.history.map((h: Response) => h.url)).toEqual([`${server.url}/redirect/3`, `${server.url}/redirect/2`, `${server.url}/redirect/1`]);
  });

  it('resolves relative and absolute Locations', async () => {
    const relative = await send('/relative-redirect/2');
    expect(relative.url).toBe(`${server.url}/get`);
    expect(relative.history).toHaveLength(2);
    const absolute = await send('/absolute-redirect/2');
    expect(absolute.url).toBe(`${server.url}/get`);
  });

  it('allowRedirects false returns the 3xx itself', async () => {
    const r = await send('/redirect/1', { allowRedirects: false });
    expect(r.statusCode).toBe(302);
    expect(r.headers.get('location')).toBe('/get');
    expect(r.history).toEqual([]);
  });

  it('stops with TooManyRedirects beyond maxRedirects (30 by default), carrying the last response', async () => {
    expect((await send('/redirect/30')).history).toHaveLength(30);
    const error = (await send('/redirect/31').catch((e: unknown) => e)) as TooManyRedirects;
    expect(error).toBeInstanceOf(TooManyRedirects);
    expect(error.message).toBe('Exceeded 30 redirects.');
    expect((error.response as Response).statusCode).toBe(302);
    const small = (await send('/redirect/3', { maxRedirects: 2 }).catch((e: unknown) => e)) as TooManyRedirects;
    expect(small.message).toBe('Exceeded 2 redirects.');
  });

  it('301/302 turn POST into GET and drop the body; 303 turns anything but HEAD into GET', async () => {
    for (const status of [301, 302, 303]) {
      const r = await send(redirectTo('/anything', status), { method: 'POST', data: { a: '1' } });
      const echoed = r.json();
      expect(echoed.method).toBe('GET');
      expect(echoed.form).toEqual({});
      expect(echoed.headers['Content-Type']).toBeUndefined();
    }
    expect((await send(redirectTo('/anything', 303), { method: 'PUT', data: 'x' })).json().method).toBe('GET');
    // 302 keeps HEAD a HEAD
    const head = await send(redirectTo('/get', 302), { method: 'HEAD' });
    expect(head.request.method).toBe('HEAD');
  });

  it('307/308 keep method and body', async () => {
    for (const status of [307, 308]) {
      const r = await send(redirectTo('/anything', status), { method: 'POST', json: { keep: status } });
      expect(r.json()).toMatchObject({ method: 'POST', json: { keep: status } });
    }
  });

  it('a redirect to a non-http(s) URL is InvalidSchema', async () => {
    await expect(send(redirectTo('ftp://127.0.0.1/x', 302))).rejects.toThrow(InvalidSchema);
  });

  it('keeps Authorization and an explicit Cookie header within the origin', async () => {
    const r = await send(redirectTo('/headers', 302), { auth: ['u', 'p'], headers: { Cookie: 'explicit=1' } });
    expect(r.json().headers.Authorization).toBe('Basic ' + Buffer.from('u:p').toString('base64'));
    expect(r.json().headers.Cookie).toBe('explicit=1');
  });

  it('drops Authorization, Proxy-Authorization and Cookie when the port changes', async () => {
    const r = await send(redirectTo(`${other.url}/headers`, 302), {
      auth: ['u', 'p'],
      headers: { Cookie: 'explicit=1', 'Proxy-Authorization': 'Basic eA==', 'X-Kept': 'yes' },
    });
    const headers = r.json().headers;
    expect(r.url).toBe(`${other.url}/headers`);
    expect(headers.Authorization).toBeUndefined();
    expect(headers['Proxy-Authorization']).toBeUndefined();
    expect(headers.Cookie).toBeUndefined();
    expect(headers['X-Kept']).toBe('yes');
  });

  it('127.0.0.1 and localhost are different hosts', async () => {
    const target = server.url.replace('127.0.0.1', 'localhost') + '/headers';
    const r = await send(redirectTo(target, 302), { auth: ['u', 'p'] });
    expect(r.json().headers.Authorization).toBeUndefined();
  });

  it('leavesOrigin follows requests\' should_strip_auth', () => {
    expect(leavesOrigin('http://a/x', 'http://a:80/y')).toBe(false);
    expect(leavesOrigin('http://a/x', 'https://a/y')).toBe(false); // the upgrade exception
    expect(leavesOrigin('https://a/x', 'http://a/y')).toBe(true); // downgrade
    expect(leavesOrigin('http://a:8080/x', 'https://a:8443/y')).toBe(true);
    expect(leavesOrigin('http://a/x', 'http://b/y')).toBe(true);
    expect(redirectMethod('POST', 301)).toBe('GET');
    expect(redirectMethod('PUT', 301)).toBe('PUT');
    expect(redirectMethod('HEAD', 303)).toBe('HEAD');
  });
});
