import { describe, expect, it } from '@jest/globals';
import { HTTPError, JSONDecodeError, RequestException } from '../../dist/http/errors.js';
import { CaseInsensitiveHeaders } from '../../dist/http/headers.js';
import { Response } from '../../dist/http/response.js';
import { server, agents, useTestEngine, send } from './engine.js';

useTestEngine();


function responseWith(contentType: string | undefined, bytes: Uint8Array): Response {
  const headers = new CaseInsensitiveHeaders(contentType ? { 'Content-Type': contentType } : {});
  return new Response({ statusCode: 200, url: 'http://x/', headers, content: bytes, request: { method: 'GET', url: 'http://x/', headers: new CaseInsensitiveHeaders() } });
}

describe('basic auth', () => {
  it('200 with the right credentials, 401 (a response) without', async () => {
    const ok = await send('/basic-auth/alice/s3cret', { auth: ['alice', 's3cret'] });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ authenticated: true, user: 'alice' });
    expect(ok.request.headers.get('authorization')).toBe('Basic ' + Buffer.from('alice:s3cret').toString('base64'));
    const denied = await send('/basic-auth/alice/s3cret', { auth: ['alice', 'wrong'] });
    expect(denied.statusCode).toBe(401);
    expect(denied.headers.get('www-authenticate')).toContain('Basic');
  });

  it('auth wins over an explicit Authorization header, as in requests', async () => {
    const r = await send('/basic-auth/a/b', { auth: ['a', 'b'], headers: { Authorization: 'Bearer nope' } });
    expect(r.statusCode).toBe(200);
  });
});

describe('status handling', () => {
  it('a 404 is a response, and raiseForStatus names status, reason and url', async () => {
    const r = await send('/status/404');
    expect(r.statusCode).toBe(404);
    expect(r.ok).toBe(false);
    let caught: unknown;
    try {
      r.raiseForStatus();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(HTTPError);
    expect(caught).toBeInstanceOf(RequestException);
    expect((caught as Error).message).toBe(`404 Client Error: Not Found for url: ${server.url}/status/404`);
    expect((caught as HTTPError).response).toBe(r);
    expect((caught as HTTPError).code).toBe('ERR_HTTP_STATUS');
  });

  it('5xx is a Server Error; 2xx and 3xx do not raise', async () => {
    expect(() => responseWith(undefined, new Uint8Array()).raiseForStatus()).not.toThrow();
    const r = await send('/status/503');
    expect(() => r.raiseForStatus()).toThrow(`503 Server Error: Service Unavailable for url: ${server.url}/status/503`);
    const redirect = await send('/status/302', { allowRedirects: false });
    expect(redirect.ok).toBe(true);
    expect(() => redirect.raiseForStatus()).not.toThrow();
  });

  it('HEAD has no body', async () => {
    const r = await send('/get', { method: 'HEAD' });
    expect(r.statusCode).toBe(200);
    expect(r.content.length).toBe(0);
    expect(Number(r.headers.get('content-length'))).toBeGreaterThan(0);
  });
});

describe('encoding and text', () => {
  it('charset from Content-Type; ISO-8859-1 for text/* without; utf-8 for JSON; null otherwise', () => {
    expect(responseWith('text/html; charset=UTF-8', new Uint8Array()).encoding).toBe('UTF-8');
    expect(responseWith('text/plain', new Uint8Array()).encoding).toBe('ISO-8859-1');
    expect(responseWith('application/json', new Uint8Array()).encoding).toBe('utf-8');
    expect(responseWith('application/octet-stream', new Uint8Array()).encoding).toBeNull();
    expect(responseWith('text/plain; charset="latin-1"', new Uint8Array()).encoding).toBe('latin-1');
  });

  it('the same answer for a Content-Type asked again, in a row or after another one, whatever an earlier response set', () => {
    const cases: Array<[string, string | null]> = [
      ['application/json', 'utf-8'],
      ['application/json', 'utf-8'],
      ['text/html; charset=UTF-8', 'UTF-8'],
      ['application/octet-stream', null],
      ['application/octet-stream', null],
      ['application/json', 'utf-8'],
    ];
    for (const [contentType, encoding] of [...cases, ...cases.reverse()]) {
      const response = responseWith(contentType, new Uint8Array());
      expect(response.encoding).toBe(encoding);
      response.encoding = 'koi8-r';
    }
  });

  it('text decodes with encoding, which can be changed afterwards', () => {
    const bytes = new TextEncoder().encode('café');
    const r = responseWith('text/plain', bytes);
    expect(r.text).toBe('cafÃ©'); // ISO-8859-1, as requests does for text/* without charset
    r.encoding = 'utf-8';
    expect(r.text).toBe('café');
    r.encoding = 'no-such-codec';
    expect(r.text).toBe('café');
    expect(responseWith('text/plain', Uint8Array.from([0x80])).text).toBe('\u0080'); // real latin-1, not windows-1252
  });

  it('json() throws JSONDecodeError naming the URL; a BOM is ignored', () => {
    expect(() => responseWith('application/json', new TextEncoder().encode('{nope')).json()).toThrow(JSONDecodeError);
    expect(() => responseWith('application/json', new TextEncoder().encode('{nope')).json()).toThrow(/http:\/\/x\//);
    expect(responseWith('application/json', new TextEncoder().encode('\ufeff{"a":1}')).json()).toEqual({ a: 1 });
  });

  it('a Response has only own data properties (no own getters) so hook additions travel', async () => {
    const r = await send('/json');
    for (const key of Object.keys(r)) {
      const descriptor = Object.getOwnPropertyDescriptor(r, key)!;
      expect(descriptor.get).toBeUndefined();
    }
    expect(Object.keys(r)).toEqual(expect.arrayContaining(['statusCode', 'content', 'headers', 'encoding', 'history', 'setCookies']));
    expect(Object.keys(r)).not.toContain('text');
    expect(r.elapsed).toBeGreaterThanOrEqual(0);
    expect(r.request).toMatchObject({ method: 'GET', url: `${server.url}/json` });
  });
});
