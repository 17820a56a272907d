/**
 * Request bodies beyond strings and objects, as requests takes them: `data`
 * as a list of [key, value] pairs, as a file (`{ path }`), a Readable, an
 * async iterable or a Blob (streamed), and `files` in requests' tuple form.
 * A loopback server records exactly what arrived.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { FuturesSession, RequestException, UnrewindableBodyError } from '@requests-futures/core';
import { listenOnLoopback } from '@requests-futures/testing';
import { seededBytes, startTestServer, type TestServer } from '../helpers/server.js';
import { executorCases } from './executors.js';
import { sessionPerBlock } from './session-per-block.js';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let echo: Server;
let echoUrl = '';
const received: Received[] = [];
let httpbin: TestServer;
let dir: string;
let filePath: string;
const FILE_BYTES = seededBytes(1024 * 1024 + 7, 5);

beforeAll(async () => {
  echo = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      if (req.url === '/307') res.writeHead(307, { Location: '/after' }).end();
      else res.writeHead(200, { 'Content-Type': 'text/plain' }).end(String(Buffer.concat(chunks).length));
    });
  });
  echoUrl = `http://127.0.0.1:${await listenOnLoopback(echo)}`;
  httpbin = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), 'rf-uploads-'));
  filePath = join(dir, 'body.bin');
  await writeFile(filePath, FILE_BYTES);
});
afterAll(async () => {
  echo.closeAllConnections();
  await new Promise((resolve) => echo.close(resolve));
  await httpbin.close();
  await rm(dir, { recursive: true, force: true });
});

const lastReceived = () => received.at(-1)!;

describe.each(executorCases)('request bodies on $name', ({ make }) => {
  const session = sessionPerBlock(make);

  it('data as a list of [key, value] pairs keeps order and repeated keys', async () => {
    const response = await session().post(`${httpbin.url}/post`, { data: [['a', '1'], ['b', 'x y'], ['a', '2']] }).result();
    expect(response.json().form).toEqual({ a: ['1', '2'], b: 'x y' });
    const raw = await session().post(`${echoUrl}/pairs`, { data: [['a', '1'], ['b', 'x y'], ['a', '2']] }).result();
    expect(raw.statusCode).toBe(200);
    expect(lastReceived().body.toString()).toBe('a=1&b=x+y&a=2');
    expect(lastReceived().headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('files in the tuple form: [filename, content, contentType], and [null, value] as a plain field', async () => {
    const files = { report: ['report.csv', 'a,b\n1,2\n', 'text/csv'], note: [null, 'plain value'] } as const;
    const response = await session().post(`${httpbin.url}/post`, { files: files as never, data: { extra: '1' } }).result();
    expect(response.json().files).toEqual({ report: 'a,b\n1,2\n' });
    expect(response.json().form).toEqual({ note: 'plain value', extra: '1' });
    await session().post(`${echoUrl}/multipart`, { files: files as never }).result();
    const body = lastReceived().body.toString();
    expect(body).toMatch(/Content-Disposition: form-data; name="report"; filename="report.csv"\r\nContent-Type: text\/csv\r\n\r\na,b\n1,2\n/);
    expect(body).toMatch(/Content-Disposition: form-data; name="note"\r\n\r\nplain value\r\n/);
  });

  it('per-part headers in a files tuple (its 4th element) reach the server as that part\'s headers', async () => {
    await session().post(`${echoUrl}/multipart`, { files: { f: ['f.txt', 'x', 'text/plain', { 'X-Part': '1', 'Content-Language': 'en' }] } }).result();
    expect(lastReceived().body.toString()).toMatch(/Content-Disposition: form-data; name="f"; filename="f.txt"\r\nContent-Type: text\/plain\r\nX-Part: 1\r\nContent-Language: en\r\n\r\nx\r\n/);
  });

  it('refuses a per-part header value that is not a string, naming the part', async () => {
    const error = await session().post(`${echoUrl}/multipart`, { files: { f: ['f.txt', 'x', 'text/plain', { 'X-Part': 1 as never }] } }).exception();
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/files\.f\[3\] \(headers\)\.X-Part must be a string/);
  });

  it('data: { path } streams the file where the request runs, with its Content-Length', async () => {
    const before = received.length;
    const response = await session().post(`${echoUrl}/file`, { data: { path: filePath } }).result();
    expect(response.text).toBe(String(FILE_BYTES.length));
    const got = received[before]!;
    expect(got.headers['content-length']).toBe(String(FILE_BYTES.length));
    expect(got.body.equals(FILE_BYTES)).toBe(true);
  });

  it('a file body is sent again after a 307 redirect', async () => {
    const before = received.length;
    const response = await session().post(`${echoUrl}/307`, { data: { path: filePath } }).result();
    expect(response.statusCode).toBe(200);
    expect(received.slice(before).map((r) => [r.path, r.method, r.body.length])).toEqual([
      ['/307', 'POST', FILE_BYTES.length],
      ['/after', 'POST', FILE_BYTES.length],
    ]);
  });

  it('a missing body file fails the request, naming the file', async () => {
    const error = await session().post(`${echoUrl}/file`, { data: { path: join(dir, 'missing.bin') } }).exception();
    expect(error).toBeInstanceOf(RequestException);
    expect((error as Error).message).toContain('missing.bin');
  });
});

describe.each(executorCases)('streamed request bodies on $name (across processes the child pulls them from the coordinator)', ({ make }) => {
  const current = sessionPerBlock(make);
  const session = { put: (...args: Parameters<FuturesSession['put']>) => current().put(...args), post: (...args: Parameters<FuturesSession['post']>) => current().post(...args) };

  it('a Readable goes chunked, byte for byte', async () => {
    const before = received.length;
    await session.put(`${echoUrl}/readable`, { data: Readable.from([Buffer.from('hello '), Buffer.from('stream')]) }).result();
    const got = received[before]!;
    expect(got.body.toString()).toBe('hello stream');
    expect(got.headers['transfer-encoding']).toBe('chunked');
    expect(got.headers['content-type']).toBeUndefined();
  });

  it('an async iterable of bytes goes chunked', async () => {
    async function* parts() {
      for (let i = 0; i < 5; i++) yield new TextEncoder().encode(`part${i};`);
    }
    const before = received.length;
    await session.post(`${echoUrl}/iterable`, { data: parts() }).result();
    expect(received[before]!.body.toString()).toBe('part0;part1;part2;part3;part4;');
    expect(received[before]!.headers['transfer-encoding']).toBe('chunked');
  });

  it('a Blob goes with its Content-Length', async () => {
    const before = received.length;
    await session.post(`${echoUrl}/blob`, { data: new Blob([new Uint8Array(FILE_BYTES)]) }).result();
    expect(received[before]!.headers['content-length']).toBe(String(FILE_BYTES.length));
    expect(received[before]!.body.equals(FILE_BYTES)).toBe(true);
  });

  it('an opened file (FileHandle) goes with its Content-Length, again after a 307, and stays open', async () => {
    const handle = await open(filePath, 'r');
    try {
      const before = received.length;
      const response = await session.post(`${echoUrl}/307`, { data: handle }).result();
      expect(response.statusCode).toBe(200);
      for (const got of received.slice(before)) {
        expect(got.headers['content-length']).toBe(String(FILE_BYTES.length));
        expect(got.body.equals(FILE_BYTES)).toBe(true);
      }
      expect(received.length - before).toBe(2);
      expect((await handle.stat()).size).toBe(FILE_BYTES.length);
    } finally {
      await handle.close();
    }
  });

  it('a Readable cannot be sent twice: a 307 fails with UnrewindableBodyError', async () => {
    const error = await session.post(`${echoUrl}/307`, { data: Readable.from([Buffer.from('once')]) }).exception();
    expect(error).toBeInstanceOf(UnrewindableBodyError);
    expect((error as Error).message).toMatch(/can be sent only once/);
  });

  it('a stream and files together are refused, as requests refuses them', async () => {
    const error = await session.post(`${echoUrl}/x`, { data: Readable.from(['x']), files: { f: 'y' } }).exception();
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/mutually exclusive/);
  });
});
