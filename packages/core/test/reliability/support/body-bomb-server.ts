/**
 * Bodies that must not be read whole:
 * - /bomb: 64 MiB of zeros gzipped to about 64 KiB (Content-Length is small, the body is not);
 * - /endless: a gzip stream of zeros, no Content-Length, that goes on until the
 *   client goes away (it ends after ENDLESS_SAFETY_BYTES only so that a broken
 *   cap fails the test instead of filling memory).
 * `endlessAbandoned` counts /endless responses the client hung up on before
 * their end, so a test can wait (by event) for proof that the transfer stopped.
 */
import { createServer, type ServerResponse } from 'node:http';
import { createGzip, gzipSync } from 'node:zlib';
import { listenOnLoopback } from '@requests-futures/testing';

export const BOMB_INFLATED_BYTES = 64 * 1024 * 1024;
export const ENDLESS_SAFETY_BYTES = 256 * 1024 * 1024;
const ZEROS = Buffer.alloc(64 * 1024);

export interface BodyBombServer {
  readonly url: string;
  /** Resolves once the client has hung up on `count` /endless responses before their end. */
  endlessAbandoned(count: number): Promise<void>;
  close(): Promise<void>;
}

function streamZeros(res: ServerResponse, onAbandoned: () => void): void {
  const gzip = createGzip();
  res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Type': 'application/octet-stream' });
  gzip.pipe(res);
  let open = true;
  let written = 0;
  res.once('close', () => {
    open = false;
    gzip.destroy();
    if (!res.writableFinished) onAbandoned();
  });
  const pump = (): void => {
    while (open && written < ENDLESS_SAFETY_BYTES) {
      written += ZEROS.length;
      if (!gzip.write(ZEROS)) {
        gzip.once('drain', pump);
        return;
      }
    }
    if (open) gzip.end();
  };
  pump();
}

export async function startBodyBombServer(): Promise<BodyBombServer> {
  const bomb = gzipSync(Buffer.alloc(BOMB_INFLATED_BYTES));
  let abandoned = 0;
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const onAbandoned = (): void => {
    abandoned += 1;
    for (const waiter of waiters.filter((w) => abandoned >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/endless')) return streamZeros(res, onAbandoned);
    res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': bomb.length, 'Content-Type': 'application/octet-stream' });
    res.end(bomb);
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    endlessAbandoned: (count) =>
      abandoned >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
