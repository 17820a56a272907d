/**
 * A node:http server on 127.0.0.1 that holds each request until the test
 * releases it by path, so a test knows by event (not by timing) that a task
 * is in flight, and sees when a client gave a request up (an abort reached it).
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HoldServer {
  /** Base URL without a trailing slash. */
  readonly url: string;
  /** Resolves once a request for each of these paths has arrived. */
  arrived(...paths: string[]): Promise<void>;
  /** Answers the request for `path` with 200 and its path as the body (now, or as soon as it arrives). */
  release(path: string): void;
  /** Resolves if the client closed the request for `path` before it was answered. */
  abandoned(path: string): Promise<void>;
  close(): Promise<void>;
}

interface Held {
  arrived: Promise<void>;
  markArrived(): void;
  abandoned: Promise<void>;
  markAbandoned(): void;
  response: ServerResponse | undefined;
  released: boolean;
}

export async function startHoldServer(): Promise<HoldServer> {
  const held = new Map<string, Held>();
  const entry = (path: string): Held => {
    let found = held.get(path);
    if (!found) {
      let markArrived!: () => void;
      let markAbandoned!: () => void;
      const arrived = new Promise<void>((resolve) => (markArrived = resolve));
      const abandoned = new Promise<void>((resolve) => (markAbandoned = resolve));
      found = { arrived, markArrived, abandoned, markAbandoned, response: undefined, released: false };
      held.set(path, found);
    }
    return found;
  };
  const answer = (path: string, item: Held): void => {
    const { response } = item;
    if (!response || response.headersSent || response.destroyed) return;
    response.writeHead(200, { 'content-type': 'text/plain' }).end(path);
  };

  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    const item = entry(path);
    item.response = res;
    res.on('close', () => {
      if (!res.writableFinished) item.markAbandoned();
    });
    item.markArrived();
    if (item.released) answer(path, item);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    async arrived(...paths) {
      await Promise.all(paths.map((path) => entry(path).arrived));
    },
    release(path) {
      const item = entry(path);
      item.released = true;
      answer(path, item);
    },
    abandoned(path) {
      return entry(path).abandoned;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
