import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { standaloneTaskContext } from '../../dist/task-context.js';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentPool } from '../../dist/http/agents.js';
import { ChunkedEncodingError, ConnectionError } from '../../dist/http/errors.js';
import { performRequest } from '../../dist/http/request.js';
import type { RequestSpec } from '../../dist/http/request-spec.js';
import { backoffSeconds, retryAfterSeconds, resolveRetries } from '../../dist/http/retry.js';
import { rangeBody, startTestServer, type TestServer } from '../helpers/server.js';
import { specFor, type SpecOverrides } from './spec-for.js';

type Handler = (req: IncomingMessage, res: ServerResponse, attempt: number) => void;

/** A server whose answer depends on how many times a path was asked for. */
class ScriptedServer {
  private readonly counts = new Map<string, number>();
  private readonly handlers = new Map<string, Handler>();
  readonly server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const attempt = (this.counts.get(path) ?? 0) + 1;
    this.counts.set(path, attempt);
    const handler = this.handlers.get(path);
    if (handler) handler(req, res, attempt);
    else res.writeHead(404).end();
  });
  url = '';
  on(path: string, handler: Handler): void {
    this.handlers.set(path, handler);
  }
  attempts(path: string): number {
    return this.counts.get(path) ?? 0;
  }
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

let scripted: ScriptedServer;
let bin: TestServer;
let agents: AgentPool;
let dir: string;
beforeAll(async () => {
  scripted = new ScriptedServer();
  await scripted.start();
  bin = await startTestServer();
  agents = new AgentPool();
  dir = await mkdtemp(join(tmpdir(), 'rf-resume-'));
});
afterAll(async () => {
  agents.destroy();
  await Promise.all([scripted.close(), bin.close(), rm(dir, { recursive: true, force: true })]);
});

const send = (url: string, overrides: SpecOverrides = {}) => performRequest(specFor(url, overrides), standaloneTaskContext(), { agents });
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('retries (opt-in)', () => {
  it('none by default: a 503 is returned at once', async () => {
    scripted.on('/flaky-default', (_req, res) => res.writeHead(503).end());
    expect((await send(`${scripted.url}/flaky-default`)).statusCode).toBe(503);
    expect(scripted.attempts('/flaky-default')).toBe(1);
  });

  it('retries 503 until it succeeds, honouring Retry-After', async () => {
    scripted.on('/flaky', (_req, res, attempt) => (attempt < 3 ? res.writeHead(503, { 'Retry-After': '0' }).end() : res.writeHead(200).end('ok')));
    const r = await send(`${scripted.url}/flaky`, { retries: { limit: 3 } });
    expect(r.statusCode).toBe(200);
    expect(r.text).toBe('ok');
    expect(scripted.attempts('/flaky')).toBe(3);
  });

  it('returns the last response when the retries run out', async () => {
    scripted.on('/always-429', (_req, res) => res.writeHead(429).end());
    const r = await send(`${scripted.url}/always-429`, { retries: { limit: 2, backoffFactor: 0.01 } });
    expect(r.statusCode).toBe(429);
    expect(scripted.attempts('/always-429')).toBe(3);
  });

  it('retries a dropped connection, but not a POST unless asked', async () => {
    scripted.on('/drop-once', (req, res, attempt) => (attempt === 1 ? req.socket.destroy() : res.writeHead(200).end('second')));
    expect((await send(`${scripted.url}/drop-once`, { retries: { limit: 1 } })).text).toBe('second');
    scripted.on('/drop-post', (req) => req.socket.destroy());
    await expect(send(`${scripted.url}/drop-post`, { method: 'POST', retries: { limit: 2 } })).rejects.toThrow(ConnectionError);
    expect(scripted.attempts('/drop-post')).toBe(1);
    await expect(send(`${scripted.url}/drop-post`, { method: 'POST', retries: { limit: 1, methods: ['POST'] } })).rejects.toThrow(ConnectionError);
    expect(scripted.attempts('/drop-post')).toBe(3);
  });

  it('computes backoff and Retry-After like urllib3', () => {
    const policy = resolveRetries({ limit: 5, backoffFactor: 1, maxBackoff: 3 })!;
    expect(backoffSeconds(policy, 1, () => 0)).toBe(0.5);
    expect(backoffSeconds(policy, 2, () => 1)).toBe(2);
    expect(backoffSeconds(policy, 5, () => 1)).toBe(3);
    expect(resolveRetries({ limit: 0 })).toBeNull();
    expect(() => resolveRetries({ limit: 1.5 })).toThrow(RangeError);
    const response = { headers: { get: () => 'Wed, 21 Oct 2015 07:28:10 GMT' } } as never;
    expect(retryAfterSeconds(response, Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10);
  });
});

describe('saveTo with resume', () => {
  it('asks for the rest of a partial file with Range + If-Range and appends it', async () => {
    const full = rangeBody(1000);
    const url = `${bin.url}/range/1000`;
    const etag = (await send(url, { method: 'HEAD' })).headers.get('etag')!;
    const target = join(dir, 'resumed.bin');
    await writeFile(join(dir, '.resumed.bin.part'), full.subarray(0, 100));
    await writeFile(join(dir, '.resumed.bin.part.json'), JSON.stringify({ validator: etag, url }));
    const r = await send(url, { saveTo: target, resume: true });
    expect(r.statusCode).toBe(206);
    expect(r.request.headers.get('range')).toBe('bytes=100-');
    expect(r.resumedFrom).toBe(100);
    expect(r.bytes).toBe(1000);
    expect(r.sha256).toBe(sha256(full));
    expect((await readFile(target)).equals(full)).toBe(true);
    expect((await readdir(dir)).filter((name) => name.startsWith('.resumed'))).toEqual([]);
  });

  it('starts over when the file changed (stale If-Range gets a 200)', async () => {
    const full = rangeBody(500);
    const url = `${bin.url}/range/500`;
    const target = join(dir, 'stale.bin');
    await writeFile(join(dir, '.stale.bin.part'), Buffer.from('garbage from another version'));
    await writeFile(join(dir, '.stale.bin.part.json'), JSON.stringify({ validator: '"old-version"', url }));
    const r = await send(url, { saveTo: target, resume: true });
    expect(r.statusCode).toBe(200);
    expect(r.resumedFrom).toBeUndefined();
    expect((await readFile(target)).equals(full)).toBe(true);
  });

  it('keeps the part of a broken transfer and a retry resumes it', async () => {
    // Past the engine's one-go size (small-body.ts): a shorter body writes no part, and is fetched whole again.
    const full = Buffer.from('0123456789'.repeat(20 * 1024));
    const sent = 100 * 1024;
    scripted.on('/big', (req, res, attempt) => {
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (attempt === 1) {
        res.writeHead(200, { ETag: '"v1"', 'Content-Length': full.length });
        // Hang up a while after the first 100 KiB, once the client has written them out
        // (bytes still in flight when a socket dies are discarded with it).
        res.write(full.subarray(0, sent), () => setTimeout(() => res.socket?.destroy(), 300));
        return;
      }
      const start = range && req.headers['if-range'] === '"v1"' ? Number(range[1]) : 0;
      res.writeHead(start > 0 ? 206 : 200, {
        ETag: '"v1"',
        'Content-Length': full.length - start,
        ...(start > 0 ? { 'Content-Range': `bytes ${start}-${full.length - 1}/${full.length}` } : {}),
      });
      res.end(full.subarray(start));
    });
    const target = join(dir, 'broken.bin');
    await expect(send(`${scripted.url}/big`, { saveTo: target, resume: true })).rejects.toThrow(ChunkedEncodingError);
    expect((await readFile(join(dir, '.broken.bin.part'))).length).toBe(sent);
    const r = await send(`${scripted.url}/big`, { saveTo: target, resume: true, retries: { limit: 1 } });
    expect(r.resumedFrom).toBe(sent);
    expect(r.sha256).toBe(sha256(full));
    expect((await readFile(target)).equals(full)).toBe(true);
  });

  it('without resume a broken transfer leaves nothing, not even the directory it created', async () => {
    scripted.on('/break', (_req, res) => {
      res.writeHead(200, { ETag: '"x"', 'Content-Length': 100 });
      res.write('partial', () => res.socket?.destroy());
    });
    const sub = join(dir, 'plain');
    await expect(send(`${scripted.url}/break`, { saveTo: join(sub, 'f.bin') })).rejects.toThrow(ChunkedEncodingError);
    await expect(readdir(sub)).rejects.toThrow('ENOENT');
  });
});
