/**
 * Servers on 127.0.0.1 for the orphan tests: one that takes requests and never
 * answers, and one that trickles a large body forever (as far as a test goes),
 * so that a download is still writing its part file when its coordinator dies.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NeverAnsweringServer {
  readonly url: string;
  /** Requests received so far. */
  readonly arrived: number;
  close(): Promise<void>;
}

export interface TrickleServer {
  readonly url: string;
  /** Body bytes written so far. */
  readonly sent: number;
  /** Resolves when the client closed the download (its process let go of the socket). */
  readonly abandoned: Promise<void>;
  close(): Promise<void>;
}

/** The byte at `offset` of the trickled body: a pattern a test can check any prefix against. */
export function trickleByte(offset: number): number {
  return (offset * 31 + (offset >>> 8) * 7 + 11) & 0xff;
}

const TRICKLE_TOTAL = 256 * 1024 * 1024;
const TRICKLE_CHUNK = 128 * 1024;
const TRICKLE_EVERY_MS = 20;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function shut(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export async function startNeverAnsweringServer(): Promise<NeverAnsweringServer> {
  let arrived = 0;
  const server = createServer(() => {
    arrived += 1;
  });
  const url = await listen(server);
  return {
    url,
    get arrived() {
      return arrived;
    },
    close: () => shut(server),
  };
}

/** 256 MiB announced (with an ETag, so the part is resumable), 128 KiB sent every 20 ms. */
export async function startTrickleServer(): Promise<TrickleServer> {
  let sent = 0;
  let markAbandoned!: () => void;
  const abandoned = new Promise<void>((resolve) => (markAbandoned = resolve));
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': TRICKLE_TOTAL, etag: '"trickle-v1"', 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' });
    const timer = setInterval(() => {
      const chunk = Buffer.alloc(TRICKLE_CHUNK);
      for (let i = 0; i < chunk.length; i++) chunk[i] = trickleByte(sent + i);
      sent += chunk.length;
      res.write(chunk);
    }, TRICKLE_EVERY_MS);
    timers.add(timer);
    res.on('close', () => {
      clearInterval(timer);
      timers.delete(timer);
      markAbandoned();
    });
  });
  const url = await listen(server);
  return {
    url: `${url}/big.bin`,
    get sent() {
      return sent;
    },
    abandoned,
    async close() {
      for (const timer of timers) clearInterval(timer);
      await shut(server);
    },
  };
}
