/**
 * saveTo + resume + retries end to end, through FuturesSession on both
 * executors: a connection broken mid-body is retried and the retry resumes
 * (Range + If-Range) instead of starting over; a server that ignores Range
 * gets a clean restart; retries are opt-in (session and request level) and
 * only for idempotent methods unless told; an aborted save leaves nothing,
 * or its resumable part with `resume`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CancelledError,
  FuturesSession,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  type Executor,
  type FuturesSessionOptions,
  type RequestOptions,
} from '@requests-futures/core';
import { ChunkedEncodingError } from '../../dist/http/errors.js';
import { startFileServer, type FileServer, type ServedRequest } from './support/file-server.js';
import { hiddenEntries, isAlive, MiB, rejectionOf, removeDir, seededFiles, sha256, sha256OfFile, tempDir, whenFileGrows } from './support/helpers.js';
import { watchProgress } from './support/progress.js';

const SIZE = 2 * MiB;
const BREAK_AT = 1 * MiB;

const executorCases = [
  { name: 'ThreadPoolExecutor', make: (): Executor => new ThreadPoolExecutor({ maxWorkers: 4 }) },
  { name: 'ProcessPoolExecutor', make: (): Executor => new ProcessPoolExecutor({ maxWorkers: 1 }) },
];

function requestsFor(server: FileServer, name: string): ServedRequest[] {
  return server.requests.filter((r) => r.path === `/files/${name}`);
}

/** The offset a `Range: bytes=N-` asked for. */
function rangeStart(request: ServedRequest): number {
  const match = /^bytes=(\d+)-$/.exec(request.range ?? '');
  if (!match) throw new Error(`expected a Range request, got range=${String(request.range)}`);
  return Number(match[1]);
}

describe.each(executorCases)('retries and resume through FuturesSession ($name)', ({ make }) => {
  const files = seededFiles(Array.from({ length: 6 }, () => SIZE), 'retry');
  const name = (i: number) => `retry-${i}.bin`;
  let executor: Executor;
  let server: FileServer;
  let dir: string;
  const sessions: FuturesSession[] = [];

  beforeAll(async () => {
    executor = make();
    server = await startFileServer({ files });
    dir = await tempDir('retry');
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await executor.shutdown({ cancelFutures: true, abort: true });
    await server.close();
    await removeDir(dir);
  });

  const session = (options: FuturesSessionOptions = {}) => {
    const created = new FuturesSession({ executor, ...options });
    sessions.push(created);
    return created;
  };
  const download = (on: FuturesSession, i: number, options: RequestOptions = {}) =>
    on.get(`${server.url}/files/${name(i)}`, { saveTo: join(dir, name(i)), ...options });

  it('a connection dropped mid-body is retried, and the retry resumes: Range + If-Range, right sha256', async () => {
    server.dropAfter(name(0), BREAK_AT, 'fin');
    const response = await download(session({ retries: { limit: 2 } }), 0, { resume: true });
    const full = files.get(name(0))!;

    const [first, retry, ...more] = requestsFor(server, name(0));
    expect(more).toEqual([]);
    expect(first!.range).toBeUndefined();
    const resumedAt = rangeStart(retry!);
    // What the broken attempt had written: something, and no more than the server sent.
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(BREAK_AT);
    expect(retry).toMatchObject({ ifRange: server.etagOf(name(0)), status: 206 });

    expect(response.statusCode).toBe(206);
    expect(response.resumedFrom).toBe(resumedAt);
    expect(response.bytes).toBe(full.length);
    expect(response.sha256).toBe(sha256(full));
    expect(await sha256OfFile(join(dir, name(0)))).toBe(sha256(full));
    expect(await hiddenEntries(dir)).toEqual([]);
  });

  it('a server that ignores Range gets a clean restart (200, whole body rewritten), right sha256', async () => {
    server.dropAfter(name(1), BREAK_AT, 'fin');
    server.ignoreRange(name(1));
    const response = await download(session({ retries: 1 }), 1, { resume: true });
    const full = files.get(name(1))!;

    const [, retry] = requestsFor(server, name(1));
    expect(rangeStart(retry!)).toBeGreaterThan(0);
    expect(retry!.status).toBe(200);
    expect(response.statusCode).toBe(200);
    expect(response.resumedFrom).toBeUndefined();
    expect(response.bytes).toBe(full.length);
    expect(response.sha256).toBe(sha256(full));
    expect(await sha256OfFile(join(dir, name(1)))).toBe(sha256(full));
    expect(await hiddenEntries(dir)).toEqual([]);
  });

  it('retries are opt-in: none by default, set per session, turned off or on per request', async () => {
    const plain = session();
    const retrying = session({ retries: { limit: 2 } });

    server.dropAfter(name(2), BREAK_AT, 'fin');
    expect(await rejectionOf(download(plain, 2))).toBeInstanceOf(ChunkedEncodingError);
    expect(requestsFor(server, name(2))).toHaveLength(1);

    server.dropAfter(name(2), BREAK_AT, 'fin');
    expect(await rejectionOf(download(retrying, 2, { retries: 0 }))).toBeInstanceOf(ChunkedEncodingError);
    expect(requestsFor(server, name(2))).toHaveLength(2);
    // Without resume a failed save leaves nothing behind.
    expect(await readdir(dir)).not.toContain(name(2));
    expect(await hiddenEntries(dir)).toEqual([]);

    server.dropAfter(name(2), BREAK_AT, 'fin');
    const response = await download(plain, 2, { retries: 1 });
    expect(requestsFor(server, name(2))).toHaveLength(4);
    // Without resume the retry starts over.
    expect(requestsFor(server, name(2))[3]!.range).toBeUndefined();
    expect(response.sha256).toBe(sha256(files.get(name(2))!));
    expect(await hiddenEntries(dir)).toEqual([]);
  });

  it('only idempotent methods are retried, unless `methods` says otherwise', async () => {
    const retrying = session({ retries: { limit: 2 } });
    const post = (options: RequestOptions = {}) =>
      retrying.post(`${server.url}/files/${name(3)}`, { saveTo: join(dir, `post-${name(3)}`), ...options });

    server.dropAfter(name(3), BREAK_AT, 'fin');
    expect(await rejectionOf(post())).toBeInstanceOf(ChunkedEncodingError);
    expect(requestsFor(server, name(3))).toHaveLength(1);

    server.dropAfter(name(3), BREAK_AT, 'fin');
    const response = await post({ retries: { limit: 2, methods: ['POST'] } });
    expect(requestsFor(server, name(3)).map((r) => r.method)).toEqual(['POST', 'POST', 'POST']);
    expect(response.sha256).toBe(sha256(files.get(name(3))!));
  });
});

describe('a connection reset (RST) mid-body, through ProcessPoolExecutor', () => {
  it('is retried and resumed from what the child had written: right sha256', async () => {
    const files = seededFiles([SIZE], 'reset');
    const [name] = [...files.keys()] as [string];
    const server = await startFileServer({ files });
    const dir = await tempDir('reset');
    const executor = new ProcessPoolExecutor({ maxWorkers: 1 });
    const session = new FuturesSession({ executor, retries: { limit: 2 } });
    const progress = watchProgress(executor);
    try {
      const paused = server.holdAfter(name, BREAK_AT);
      const future = session.get(`${server.url}/files/${name}`, { saveTo: join(dir, name), resume: true, meta: name });
      await paused;
      // The child has the first bytes (progress comes every 256 KiB): now the server resets the connection.
      await progress.reached(name, 256 * 1024);
      server.release(name, 'reset');
      const response = await future.result();

      const [first, retry, ...more] = requestsFor(server, name);
      expect(more).toEqual([]);
      expect(first!.range).toBeUndefined();
      const resumedAt = rangeStart(retry!);
      expect(resumedAt).toBeGreaterThanOrEqual(256 * 1024);
      expect(resumedAt).toBeLessThanOrEqual(BREAK_AT);
      expect(retry).toMatchObject({ ifRange: server.etagOf(name), status: 206 });
      expect(response.resumedFrom).toBe(resumedAt);
      expect(response.sha256).toBe(sha256(files.get(name)!));
      expect(await sha256OfFile(join(dir, name))).toBe(sha256(files.get(name)!));
      expect(await hiddenEntries(dir)).toEqual([]);
    } finally {
      progress.stop();
      const pids = executor.stats().workers;
      await session.close();
      await executor.shutdown({ cancelFutures: true, abort: true });
      await server.close();
      await removeDir(dir);
      expect(pids.filter(isAlive)).toEqual([]);
    }
  });
});

describe.each(executorCases)('abort in the middle of a save ($name)', ({ make }) => {
  it('removes the temporary file; with resume keeps the part and its record, which a later request resumes', async () => {
    const files = seededFiles([SIZE, SIZE], 'abort');
    const [plainName, resumableName] = [...files.keys()] as [string, string];
    const server = await startFileServer({ files });
    const dir = await tempDir('abort');
    const executor = make();
    try {
      const session = new FuturesSession({ executor });
      const paused = [server.holdAfter(plainName, BREAK_AT), server.holdAfter(resumableName, BREAK_AT)];
      const plain = session.get(`${server.url}/files/${plainName}`, { saveTo: join(dir, plainName) });
      const resumable = session.get(`${server.url}/files/${resumableName}`, { saveTo: join(dir, resumableName), resume: true });
      await Promise.all(paused);
      // Both are writing (whichever process runs them): the temporary file, and the part.
      const escaped = plainName.replace('.', '\\.');
      await whenFileGrows(dir, new RegExp(`^\\.${escaped}\\.\\d+-[0-9a-f]{12}\\.part$`), 1);
      await whenFileGrows(dir, `.${resumableName}.part`, 1);
      expect(plain.abort(new Error('stop'))).toBe(true);
      expect(resumable.abort(new Error('stop'))).toBe(true);
      expect(await rejectionOf(plain)).toBeInstanceOf(CancelledError);
      expect(await rejectionOf(resumable)).toBeInstanceOf(CancelledError);
      // The future settles at once; the transfer stops a moment later: shutdown waits for the task to let go.
      await session.close();
      await executor.shutdown();

      // Nothing under a final name; only the resumable part and its record.
      expect(await readdir(dir).then((names) => names.sort())).toEqual([`.${resumableName}.part`, `.${resumableName}.part.json`]);
      const full = files.get(resumableName)!;
      const part = await readFile(join(dir, `.${resumableName}.part`));
      expect(part.equals(full.subarray(0, part.length))).toBe(true);

      expect(part.length).toBeGreaterThan(0);
      // A later request (any session) continues from the part.
      const later = new FuturesSession();
      try {
        const response = await later.get(`${server.url}/files/${resumableName}`, { saveTo: join(dir, resumableName), resume: true });
        const last = requestsFor(server, resumableName).at(-1)!;
        expect(last).toMatchObject({ range: `bytes=${part.length}-`, status: 206 });
        expect(response.resumedFrom).toBe(part.length);
        expect(response.sha256).toBe(sha256(full));
        expect(await sha256OfFile(join(dir, resumableName))).toBe(sha256(full));
        expect((await readdir(dir)).sort()).toEqual([resumableName]);
      } finally {
        await later.close();
      }
    } finally {
      await executor.shutdown({ cancelFutures: true, abort: true });
      await server.close();
      await removeDir(dir);
    }
  });
});
