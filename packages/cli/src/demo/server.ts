/**
 * The demo's local server (127.0.0.1, an ephemeral port): generated files
 * under /files/<name> with Content-Length, ETag, Range / If-Range (so resumed
 * downloads work), plus the httpbin endpoints the README examples call.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildCatalog, type CatalogOptions, type DemoFile } from './catalog.js';
import { fileChunks } from './file-content.js';
import { handleHttpbin } from './httpbin.js';
import { parseRange } from './range.js';

export const FILES_PREFIX = '/files/';
// A fixed date: the content never changes, so neither does its Last-Modified.
const LAST_MODIFIED = new Date(Date.UTC(2024, 0, 1)).toUTCString();

export interface DemoServer {
  /** http://127.0.0.1:PORT, without a trailing slash. */
  baseUrl: string;
  files: readonly DemoFile[];
  fileUrl(file: DemoFile): string;
  close(): Promise<void>;
}

/** Resolves on 'drain', or on 'close' when the client went away; leaves no listener behind. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Writes the chunks, waiting for 'drain' so a 16 MiB file is never buffered whole. */
async function streamChunks(res: ServerResponse, chunks: Iterable<Buffer>): Promise<void> {
  for (const chunk of chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk)) await drainedOrClosed(res);
  }
  res.end();
}

/** If-Range: the range applies only while the client's copy is still this file. */
function rangeStillValid(req: IncomingMessage, file: DemoFile): boolean {
  const ifRange = req.headers['if-range'];
  return ifRange === undefined || ifRange === file.etag || ifRange === LAST_MODIFIED;
}

async function serveFile(req: IncomingMessage, res: ServerResponse, file: DemoFile): Promise<void> {
  const common = { ETag: file.etag, 'Last-Modified': LAST_MODIFIED, 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' };
  if (req.headers['if-none-match'] === file.etag) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  const range = rangeStillValid(req, file) ? parseRange(req.headers.range, file.size) : { kind: 'none' as const };
  if (range.kind === 'unsatisfiable') {
    res.writeHead(416, { ...common, 'Content-Range': `bytes */${file.size}`, 'Content-Length': 0 });
    res.end();
    return;
  }
  const [start, end] = range.kind === 'range' ? [range.start, range.end] : [0, file.size];
  const headers: Record<string, string | number> = { ...common, 'Content-Length': end - start };
  if (range.kind === 'range') headers['Content-Range'] = `bytes ${start}-${end - 1}/${file.size}`;
  res.writeHead(range.kind === 'range' ? 206 : 200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await streamChunks(res, fileChunks(file, start, end));
}

function notFound(res: ServerResponse, what: string): void {
  const body = `not found: ${what}\n`;
  res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export async function startDemoServer(options: CatalogOptions): Promise<DemoServer> {
  const files = buildCatalog(options);
  const byName = new Map(files.map((file) => [file.name, file]));

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith(FILES_PREFIX)) {
      const file = byName.get(decodeURIComponent(url.pathname.slice(FILES_PREFIX.length)));
      if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) return notFound(res, url.pathname);
      return serveFile(req, res, file);
    }
    if (!(await handleHttpbin(req, res, url))) notFound(res, url.pathname);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in the demo server must show, not hang the client.
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(error));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    files,
    fileUrl: (file) => `${baseUrl}${FILES_PREFIX}${file.name}`,
    async close() {
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
