import { describe, expect, it } from '@jest/globals';
import { standaloneTaskContext } from '../../dist/task-context.js';
import { createHash } from 'node:crypto';
import { performRequest } from '../../dist/http/request.js';
import { rangeBody, seededBytes } from '../helpers/server.js';
import { server, agents, useTestEngine } from './engine.js';
import { specFor } from './spec-for.js';

useTestEngine();

const get = (path: string, overrides = {}) => performRequest(specFor(server.url + path, overrides), standaloneTaskContext(), { agents });

describe('test server routes through performRequest', () => {
  it('/get echoes args, headers, url and origin', async () => {
    const r = await get('/get?a=1&a=2&b=x');
    expect(r.statusCode).toBe(200);
    expect(r.reason).toBe('OK');
    const body = r.json();
    expect(body.args).toEqual({ a: ['1', '2'], b: 'x' });
    expect(body.headers['User-Agent']).toBe('rf-test');
    expect(body.url).toBe(`${server.url}/get?a=1&a=2&b=x`);
    expect(body.origin).toBe('127.0.0.1');
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.url).toBe(`${server.url}/get?a=1&a=2&b=x`);
  });

  it('/status/:code answers that status', async () => {
    const r = await get('/status/418');
    expect(r.statusCode).toBe(418);
    expect(r.ok).toBe(false);
  });

  it('/headers echoes request headers', async () => {
    const r = await get('/headers', { headers: { 'X-Custom': 'yes' } });
    expect(r.json().headers['X-Custom']).toBe('yes');
  });

  it('/post /put /patch /delete and /anything echo their method and body', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const r = await get(`/${method.toLowerCase()}`, { method, data: 'raw' });
      expect(r.json()).toMatchObject({ method, data: 'raw' });
    }
    const r = await get('/anything/deep?q=1', { method: 'OPTIONS' });
    expect(r.json()).toMatchObject({ method: 'OPTIONS', args: { q: '1' } });
    expect((await get('/post')).statusCode).toBe(405);
  });

  it('/bytes/:n is deterministic for a seed', async () => {
    const r = await get('/bytes/1000?seed=7');
    expect(r.content.length).toBe(1000);
    expect(Buffer.from(r.content).equals(seededBytes(1000, 7))).toBe(true);
  });

  it('/stream-bytes/:n is chunked and complete', async () => {
    const r = await get('/stream-bytes/50000?chunk_size=1000');
    expect(r.headers.get('transfer-encoding')).toBe('chunked');
    expect(Buffer.from(r.content).equals(seededBytes(50000))).toBe(true);
  });

  it('/gzip, /deflate and /brotli are decoded; Content-Encoding stays visible', async () => {
    for (const [path, key, encoding] of [['/gzip', 'gzipped', 'gzip'], ['/deflate', 'deflated', 'deflate'], ['/brotli', 'brotli', 'br']]) {
      const r = await get(path!);
      expect(r.headers.get('content-encoding')).toBe(encoding);
      expect(r.json()[key!]).toBe(true);
    }
  });

  it('/json, /html and /encoding/utf8', async () => {
    expect((await get('/json')).json().slideshow.title).toBe('Sample Slide Show');
    const html = await get('/html');
    expect(html.encoding).toBe('utf-8');
    expect(html.text).toContain('Moby-Dick');
    const utf8 = await get('/encoding/utf8');
    expect(utf8.text).toContain('日本語');
    expect(utf8.text).toContain('café');
  });

  it('/response-headers sets the asked headers', async () => {
    const r = await get('/response-headers?X-One=1&X-Two=a&X-Two=b');
    expect(r.headers.get('x-one')).toBe('1');
    expect(r.headers.get('X-TWO')).toBe('a, b');
  });

  it('/delay/:s answers after the delay', async () => {
    const started = Date.now();
    const r = await get('/delay/0.2');
    expect(r.statusCode).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(r.elapsed).toBeGreaterThanOrEqual(150);
  });

  it('/drip sends numbytes slowly', async () => {
    const r = await get('/drip?numbytes=5&duration=0.1');
    expect(r.text).toBe('*****');
  });

  it('/etag/:etag honours If-None-Match and If-Match', async () => {
    const plain = await get('/etag/abc');
    expect(plain.headers.get('etag')).toBe('"abc"');
    expect((await get('/etag/abc', { headers: { 'If-None-Match': '"abc"' } })).statusCode).toBe(304);
    expect((await get('/etag/abc', { headers: { 'If-Match': '"zzz"' } })).statusCode).toBe(412);
  });

  it('/range/:n honours Range, If-Range and reports Accept-Ranges/ETag', async () => {
    const full = await get('/range/100');
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    const etag = full.headers.get('etag')!;
    expect(Buffer.from(full.content).equals(rangeBody(100))).toBe(true);
    const part = await get('/range/100', { headers: { Range: 'bytes=10-19', 'If-Range': etag } });
    expect(part.statusCode).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 10-19/100');
    expect(part.text).toBe(rangeBody(100).subarray(10, 20).toString());
    const stale = await get('/range/100', { headers: { Range: 'bytes=10-19', 'If-Range': '"other"' } });
    expect(stale.statusCode).toBe(200);
    expect(stale.content.length).toBe(100);
    expect((await get('/range/100', { headers: { Range: 'bytes=200-' } })).statusCode).toBe(416);
  });

  it('/basic-auth and /cookies are covered by their own suites; unknown paths are 404 responses', async () => {
    const r = await get('/no-such-route');
    expect(r.statusCode).toBe(404);
    expect(createHash('sha256').update(r.content).digest('hex')).toHaveLength(64);
  });
});
