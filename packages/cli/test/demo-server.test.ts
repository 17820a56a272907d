import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { startDemoServer, type DemoServer } from '../dist/demo/server.js';
import { fileSha256 } from '../dist/demo/file-content.js';
import { buildCatalog } from '../dist/demo/catalog.js';

interface Fetched {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function fetchRaw(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('demo server', () => {
  let server: DemoServer;
  beforeAll(async () => {
    server = await startDemoServer({ seed: 7, count: 20, maxBytes: 300_000 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('builds the same catalog from the same seed, and a different one from another', () => {
    expect(buildCatalog({ seed: 7, count: 20, maxBytes: 300_000 })).toEqual(server.files);
    expect(buildCatalog({ seed: 8, count: 20, maxBytes: 300_000 })).not.toEqual(server.files);
  });

  it('serves each file with its length, ETag and the content its checksum predicts', async () => {
    const file = server.files[3];
    const res = await fetchRaw(server.fileUrl(file));
    expect(res.status).toBe(200);
    expect(Number(res.headers['content-length'])).toBe(file.size);
    expect(res.headers.etag).toBe(file.etag);
    expect(createHash('sha256').update(res.body).digest('hex')).toBe(fileSha256(file));
  });

  it('answers ranges (resume), refuses unsatisfiable ones, and ignores a range for a changed file', async () => {
    const file = [...server.files].sort((a, b) => b.size - a.size)[0];
    const full = (await fetchRaw(server.fileUrl(file))).body;
    const start = 70_000; // crosses a 64 KiB block boundary
    const partial = await fetchRaw(server.fileUrl(file), { Range: `bytes=${start}-`, 'If-Range': file.etag });
    expect(partial.status).toBe(206);
    expect(partial.headers['content-range']).toBe(`bytes ${start}-${file.size - 1}/${file.size}`);
    expect(partial.body.equals(full.subarray(start))).toBe(true);
    const middle = await fetchRaw(server.fileUrl(file), { Range: 'bytes=10-19' });
    expect(middle.body.equals(full.subarray(10, 20))).toBe(true);
    const beyond = await fetchRaw(server.fileUrl(file), { Range: `bytes=${file.size}-` });
    expect(beyond.status).toBe(416);
    const stale = await fetchRaw(server.fileUrl(file), { Range: 'bytes=10-', 'If-Range': '"other"' });
    expect(stale.status).toBe(200);
    expect(stale.body.length).toBe(file.size);
    const notModified = await fetchRaw(server.fileUrl(file), { 'If-None-Match': file.etag });
    expect(notModified.status).toBe(304);
  });

  it('answers HEAD without a body and 404 for unknown files', async () => {
    const head = await fetchRaw(server.fileUrl(server.files[0]), {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect((await fetchRaw(`${server.baseUrl}/files/nope.bin`)).status).toBe(404);
  });

  it('speaks enough httpbin for the README examples', async () => {
    const get = JSON.parse((await fetchRaw(`${server.baseUrl}/get?foo=bar`, { 'X-From': 'test' })).body.toString());
    expect(get.args).toEqual({ foo: 'bar' });
    expect(get.headers['X-From']).toBe('test');
    expect(get.url).toBe(`${server.baseUrl}/get?foo=bar`);
    const delayed = await fetchRaw(`${server.baseUrl}/delay/0.05`);
    expect(delayed.status).toBe(200);
    expect((await fetchRaw(`${server.baseUrl}/status/418`)).status).toBe(418);
  });
});
