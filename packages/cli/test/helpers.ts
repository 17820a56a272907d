/** Shared by the CLI's end-to-end tests: run rf as a child process or in-process, and capture what it prints; the loopback servers and temporary directories they download with. */
import { afterAll, beforeAll } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { listenOnLoopback } from '@requests-futures/testing';
import type { CliIo } from '../dist/io.js';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const RF_BIN = path.join(PACKAGE_DIR, 'dist/rf.js');
/** The `rf` bin as installed: the file package.json names (bundle/rf.cjs, which runs bundle/rf.mjs). */
export const RF_INSTALLED_BIN = path.join(PACKAGE_DIR, (JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as { bin: { rf: string } }).bin.rf);

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `bin`: another rf entry (e.g. bundle/rf.mjs); `env`: the child's whole environment. */
export async function runRfProcess(args: string[], options: { bin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [options.bin ?? RF_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/** In-memory streams for running the CLI in this process. */
export function captureIo(stdinText = ''): { io: CliIo; output: () => { stdout: string; stderr: string } } {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        append(chunk.toString());
        callback();
      },
    });
  const io: CliIo = {
    stdin: Readable.from([stdinText]),
    stdout: sink((t) => (stdout += t)),
    stderr: sink((t) => (stderr += t)),
  };
  return { io, output: () => ({ stdout, stderr }) };
}

/** Ends a test server and every connection it holds; resolves once it is closed. */
export async function closeServer(server: { closeAllConnections(): void; close(): void } & NodeJS.EventEmitter): Promise<void> {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
}

export interface LoopbackServer {
  /** http://127.0.0.1:PORT, without a trailing slash. */
  readonly url: string;
  /** Ends the server and every connection it holds. */
  close(): Promise<void>;
}

/** A node:http server answering with `handler` on a free port of 127.0.0.1. */
export async function startLoopbackServer(handler: RequestListener): Promise<LoopbackServer> {
  const server = createServer(handler);
  const port = await listenOnLoopback(server);
  return { url: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}

export interface DownloadFixture<S> {
  server: S;
  /** A temporary directory of the fixture's own, removed with everything in it afterwards. */
  work: string;
}

/**
 * What a download test shares with its neighbours: a server from `start` and a
 * temporary directory named from `prefix`, made before the tests of the
 * enclosing describe (or file), closed and removed after them. The returned
 * object's fields are set by the beforeAll this registers.
 */
export function useDownloadFixture<S extends { close(): Promise<void> }>(prefix: string, start: () => Promise<S>): DownloadFixture<S> {
  const fixture = {} as DownloadFixture<S>;
  beforeAll(async () => {
    fixture.server = await start();
    fixture.work = await mkdtemp(path.join(os.tmpdir(), prefix));
  });
  afterAll(async () => {
    await fixture.server?.close();
    if (fixture.work) await rm(fixture.work, { recursive: true, force: true });
  });
  return fixture;
}

export interface ContentServer {
  /** Base URL without a trailing slash. */
  readonly url: string;
  /** The bytes served for `path` (deterministic, 10-40 KiB, different for every path). */
  content(path: string): Buffer;
  sha256(path: string): string;
  /** Paths requested so far, in order of arrival. */
  readonly requests: string[];
  close(): Promise<void>;
}

export interface ContentServerOptions {
  /** Called before answering; may delay the answer (e.g. until other requests finished). */
  beforeAnswer?: (path: string) => Promise<void> | void;
  /** Overrides the answer for a path (e.g. a 206 for a range, a broken body); return true when handled. */
  handle?: (path: string, req: IncomingMessage, res: ServerResponse) => boolean;
}

/** A loopback server of generated files with ETag and Range, one body per path. */
export async function startContentServer(options: ContentServerOptions = {}): Promise<ContentServer> {
  const requests: string[] = [];
  const content = (urlPath: string): Buffer => {
    const seed = createHash('sha512').update(urlPath).digest();
    return Buffer.concat(Array.from({ length: 160 + (seed[0] ?? 0) * 2 }, (_, i) => createHash('sha512').update(seed).update(String(i)).digest()));
  };
  const { url, close } = await startLoopbackServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(urlPath);
    void (async () => {
      await options.beforeAnswer?.(urlPath);
      if (options.handle?.(urlPath, req, res)) return;
      const body = content(urlPath);
      const headers = { ETag: `"${createHash('sha1').update(body).digest('hex')}"`, 'Content-Type': 'application/octet-stream' };
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const start = range ? Number(range[1]) : 0;
      if (range && start < body.length) {
        res.writeHead(206, { ...headers, 'Content-Length': body.length - start, 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` });
        res.end(body.subarray(start));
      } else {
        res.writeHead(200, { ...headers, 'Content-Length': body.length });
        res.end(body);
      }
    })();
  });
  return {
    url,
    content,
    sha256: (urlPath) => createHash('sha256').update(content(urlPath)).digest('hex'),
    requests,
    close,
  };
}

export interface RfProcess {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  closed: Promise<[code: number | null, signal: NodeJS.Signals | null]>;
}

/** Starts rf without waiting for it (to signal it, or find its children); `as` runs it as another user (the test must be root). */
export function startRf(args: string[], as?: { uid: number; gid: number }): RfProcess {
  const child = spawn(process.execPath, [RF_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...as });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk));
  const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, output: () => ({ stdout, stderr }), closed };
}
