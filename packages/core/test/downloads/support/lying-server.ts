/**
 * A loopback server for download tests whose every path answers as the test
 * scripts it, honest or lying, and counts the requests per path with the
 * Range header each one sent.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '@requests-futures/testing';

export type Handler = (req: IncomingMessage, res: ServerResponse, attempt: number) => void;

export class LyingServer {
  private readonly handlers = new Map<string, Handler>();
  /** The Range header (or '') of every request, by path. */
  readonly ranges = new Map<string, string[]>();
  private readonly server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const seen = this.ranges.get(path) ?? [];
    seen.push(req.headers.range ?? '');
    this.ranges.set(path, seen);
    const handler = this.handlers.get(path);
    if (handler) handler(req, res, seen.length);
    else res.writeHead(404).end('not here');
  });
  url = '';

  static async start(): Promise<LyingServer> {
    const server = new LyingServer();
    server.url = `http://127.0.0.1:${await listenOnLoopback(server.server)}`;
    return server;
  }

  on(path: string, handler: Handler): string {
    this.handlers.set(path, handler);
    this.ranges.delete(path);
    return `${this.url}${path}`;
  }

  /** An honest file: Content-Length, ETag, single Range requests (with If-Range) answered with 206. */
  serve(path: string, body: Buffer, etag = `"${sha256(body).slice(0, 16)}"`): string {
    return this.on(path, (req, res) => {
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const current = req.headers['if-range'] === undefined || req.headers['if-range'] === etag;
      if (!range || !current) {
        res.writeHead(200, { ETag: etag, 'Accept-Ranges': 'bytes', 'Content-Length': body.length }).end(body);
        return;
      }
      const start = Number(range[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, { ETag: etag, 'Content-Length': body.length - start, 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` });
      res.end(body.subarray(start));
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Distinct, non-repeating bytes, so a misplaced slice changes the digest. */
export function bodyOf(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
