import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { standaloneTaskContext } from '../../dist/task-context.js';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { AgentPool } from '../../dist/http/agents.js';
import { ChunkedEncodingError, ContentTooLarge, RequestException } from '../../dist/http/errors.js';
import { performRequest } from '../../dist/http/request.js';
import type { RequestSpec } from '../../dist/http/request-spec.js';
import { seededBytes, startTestServer, type TestServer } from '../helpers/server.js';
import { specFor, type SpecOverrides } from './spec-for.js';

const BOMB_INFLATED = 64 * 1024 * 1024;

let server: TestServer;
let bombServer: Server;
let bombUrl: string;
let agents: AgentPool;
let dir: string;

beforeAll(async () => {
  server = await startTestServer();
  agents = new AgentPool();
  dir = await mkdtemp(join(tmpdir(), 'rf-http-'));
  // 64 MiB of zeros gzip to about 64 KiB: reading it whole would be the bomb going off.
  const bomb = gzipSync(Buffer.alloc(BOMB_INFLATED));
  bombServer = createServer((req, res) => {
    if (req.url === '/truncated') {
      // Promises 1000 bytes, sends 10, then hangs up: the connection breaks mid-body.
      res.writeHead(200, { 'Content-Length': 1000 });
      res.write('0123456789', () => res.socket?.destroy());
      return;
    }
    res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': bomb.length, 'Content-Type': 'application/octet-stream' });
    res.end(bomb);
  });
  await new Promise<void>((resolve) => bombServer.listen(0, '127.0.0.1', resolve));
  bombUrl = `http://127.0.0.1:${(bombServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  agents.destroy();
  bombServer.closeAllConnections();
  await Promise.all([server.close(), new Promise((resolve) => bombServer.close(resolve)), rm(dir, { recursive: true, force: true })]);
});

const send = (url: string, overrides: SpecOverrides = {}) => performRequest(specFor(url, overrides), standaloneTaskContext(), { agents });

describe('maxResponseBytes', () => {
  it('allows a body up to the cap', async () => {
    expect((await send(`${server.url}/bytes/1000`, { maxResponseBytes: 1000 })).content.length).toBe(1000);
  });

  it('stops a larger body with ContentTooLarge naming the cap and URL', async () => {
    const error = await send(`${server.url}/stream-bytes/200000?chunk_size=1000`, { maxResponseBytes: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentTooLarge);
    expect(error).toBeInstanceOf(RequestException);
    expect((error as Error).message).toContain('maxResponseBytes=5000');
    expect((error as Error).message).toContain('/stream-bytes/200000');
  });

  it('counts after decompression, so a gzip bomb stops at the cap', async () => {
    const error = (await send(`${bombUrl}/bomb`, { maxResponseBytes: 1024 * 1024 }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ContentTooLarge);
    const received = Number(/\((\d+) bytes received/.exec(error.message)![1]);
    expect(received).toBeGreaterThan(1024 * 1024);
    expect(received).toBeLessThan(BOMB_INFLATED / 4);
  });

  it('a connection that breaks mid-body is ChunkedEncodingError', async () => {
    await expect(send(`${bombUrl}/truncated`)).rejects.toThrow(ChunkedEncodingError);
  });
});

describe('saveTo', () => {
  it('streams the body to the file with the right sha256 and byte count; content stays empty', async () => {
    const target = join(dir, 'nested', 'deeper', 'file.bin');
    const r = await send(`${server.url}/stream-bytes/300000?chunk_size=4096`, { saveTo: target });
    const expected = seededBytes(300000);
    expect(r.savedTo).toBe(target);
    expect(r.bytes).toBe(300000);
    expect(r.sha256).toBe(createHash('sha256').update(expected).digest('hex'));
    expect(r.content.length).toBe(0);
    expect((await readFile(target)).equals(expected)).toBe(true);
    expect((await readdir(join(dir, 'nested', 'deeper'))).filter((name) => name.endsWith('.part'))).toEqual([]);
  });

  it('replaces an existing file only when the download completes', async () => {
    const target = join(dir, 'keep.bin');
    await writeFile(target, 'old contents');
    await expect(send(`${server.url}/stream-bytes/100000`, { saveTo: target, maxResponseBytes: 10 })).rejects.toThrow(ContentTooLarge);
    expect(await readFile(target, 'utf8')).toBe('old contents');
    expect((await readdir(dir)).filter((name) => name.endsWith('.part'))).toEqual([]);
  });

  it('leaves no file, no .part and not the directory it created when the connection breaks', async () => {
    const target = join(dir, 'broken', 'x.bin');
    await expect(send(`${bombUrl}/truncated`, { saveTo: target })).rejects.toThrow(ChunkedEncodingError);
    await expect(readdir(join(dir, 'broken'))).rejects.toThrow('ENOENT');
  });

  it('an error status is read into memory, not saved', async () => {
    const target = join(dir, 'missing.bin');
    const r = await send(`${server.url}/status/404`, { saveTo: target });
    expect(r.statusCode).toBe(404);
    expect(r.savedTo).toBeUndefined();
    await expect(readFile(target)).rejects.toThrow(/ENOENT/);
  });
});
