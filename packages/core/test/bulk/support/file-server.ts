/**
 * A file server on 127.0.0.1 (or 'localhost') for the bulk-download tests,
 * scriptable per file so a test can synchronise on events rather than time:
 * - `holdAfter(name, bytes)`: the next response's body pauses once `bytes`
 *   have been flushed to the socket (the returned promise resolves then) until
 *   `release(name)`, which goes on with the body, or resets the connection
 *   with `'reset'`;
 * - `dropAfter(name, bytes, how)`: the next full response breaks after `bytes`
 *   (`'fin'`: the socket is closed once they are flushed, `'rst'`: reset);
 * - `ignoreRange(name)`: always 200 with the whole body, as servers without
 *   range support do.
 * It honours `Range: bytes=N-` with `If-Range` (ETag), records every request,
 * and tracks how many responses were open at once (overall and per server).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedRequest {
  readonly method: string;
  readonly path: string;
  readonly range: string | undefined;
  readonly ifRange: string | undefined;
  status: number;
  /** performance.now() when the request arrived and when its response closed (undefined: still open). */
  readonly openedAt: number;
  closedAt: number | undefined;
}

export interface FileServer {
  readonly url: string;
  readonly requests: readonly ServedRequest[];
  /** Most responses open at the same time so far. */
  readonly peakConcurrency: number;
  /** ETag of a served file. */
  etagOf(name: string): string;
  holdAfter(name: string, bytes: number): Promise<void>;
  release(name: string, then?: 'continue' | 'reset'): void;
  dropAfter(name: string, bytes: number, how: 'fin' | 'rst'): void;
  ignoreRange(name: string): void;
  /** Resolves when `count` requests have arrived in total. */
  arrivals(count: number): Promise<void>;
  close(): Promise<void>;
}

export interface FileServerOptions {
  /** Served files by name (path /files/<name>). */
  files: ReadonlyMap<string, Uint8Array>;
  /** Milliseconds before each answer (to make requests overlap). */
  latencyMs?: number;
  /** Host name in `url` ('localhost' makes a second origin on the same machine). */
  hostName?: '127.0.0.1' | 'localhost';
}

const CHUNK = 256 * 1024;

interface Hold {
  readonly at: number;
  readonly reached: () => void;
  released: Promise<'continue' | 'reset'>;
  release: (then: 'continue' | 'reset') => void;
}

/** Resolves true once `chunk` is flushed to the socket, false if the response closed first. */
function flush(res: ServerResponse, chunk: Uint8Array): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = () => resolve(false);
    res.once('close', onClose);
    res.write(chunk, (error) => {
      res.off('close', onClose);
      resolve(!error);
    });
  });
}

export async function startFileServer(options: FileServerOptions): Promise<FileServer> {
  const { files, latencyMs = 0, hostName = '127.0.0.1' } = options;
  const etags = new Map([...files].map(([name, body]) => [name, `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`]));
  /** Holds waiting for their response, then holding it (by file name). */
  const holds = new Map<string, Hold>();
  const pausing = new Map<string, Hold>();
  const drops = new Map<string, { at: number; how: 'fin' | 'rst' }>();
  const rangeIgnored = new Set<string>();
  const requests: ServedRequest[] = [];
  const arrivalWaiters: Array<{ count: number; resolve: () => void }> = [];
  const timers = new Set<NodeJS.Timeout>();
  let open = 0;
  let peak = 0;

  const afterLatency = (res: ServerResponse) =>
    new Promise<void>((resolve) => {
      if (latencyMs === 0) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, latencyMs);
      timers.add(timer);
      res.once('close', () => {
        clearTimeout(timer);
        timers.delete(timer);
      });
    });

  async function answer(req: IncomingMessage, res: ServerResponse, record: ServedRequest): Promise<void> {
    await afterLatency(res);
    if (res.destroyed) return;
    const name = decodeURIComponent(record.path.replace(/^\/files\//, ''));
    const body = files.get(name);
    if (!record.path.startsWith('/files/') || body === undefined) {
      record.status = 404;
      res.writeHead(404).end();
      return;
    }
    const etag = etags.get(name)!;
    const asked = /^bytes=(\d+)-$/.exec(record.range ?? '');
    const honoured = asked !== null && !rangeIgnored.has(name) && (record.ifRange === undefined || record.ifRange === etag);
    const start = honoured ? Number(asked![1]) : 0;
    if (start >= body.length && body.length > 0) {
      record.status = 416;
      res.writeHead(416, { 'Content-Range': `bytes */${body.length}`, ETag: etag }).end();
      return;
    }
    record.status = honoured ? 206 : 200;
    res.writeHead(record.status, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': body.length - start,
      ETag: etag,
      ...(rangeIgnored.has(name) ? {} : { 'Accept-Ranges': 'bytes' }),
      ...(honoured ? { 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    if (req.method === 'HEAD') return void res.end();
    // A drop applies to the next whole-body response only, so a retry can succeed.
    const drop = start === 0 ? drops.get(name) : undefined;
    if (drop) drops.delete(name);
    // A hold applies to one response: later requests (a resume) go through.
    const hold = holds.get(name);
    if (hold) {
      holds.delete(name);
      pausing.set(name, hold);
    }
    let offset = start;
    while (offset < body.length) {
      const stop = Math.min(
        body.length,
        offset + CHUNK,
        hold && hold.at > offset ? hold.at : Infinity,
        drop && drop.at > offset ? drop.at : Infinity,
      );
      if (!(await flush(res, body.subarray(offset, stop)))) return;
      offset = stop;
      if (drop && offset === drop.at) {
        // Everything written so far is in the kernel: a FIN delivers it, then the client sees the body end early.
        if (drop.how === 'rst') res.socket?.resetAndDestroy();
        else res.socket?.destroy();
        return;
      }
      if (hold && offset === hold.at) {
        hold.reached();
        const then = await hold.released;
        if (res.destroyed) return;
        if (then === 'reset') {
          res.socket?.resetAndDestroy();
          return;
        }
      }
    }
    res.end();
  }

  const server = createServer((req, res) => {
    const record: ServedRequest = {
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0]!,
      range: req.headers.range,
      ifRange: req.headers['if-range'],
      status: 0,
      openedAt: performance.now(),
      closedAt: undefined,
    };
    requests.push(record);
    open += 1;
    peak = Math.max(peak, open);
    res.once('close', () => {
      open -= 1;
      record.closedAt = performance.now();
    });
    for (const waiter of arrivalWaiters.filter((w) => requests.length >= w.count)) {
      arrivalWaiters.splice(arrivalWaiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    req.resume();
    answer(req, res, record).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${hostName}:${port}`,
    requests,
    get peakConcurrency() {
      return peak;
    },
    etagOf: (name) => etags.get(name)!,
    holdAfter(name, bytes) {
      return new Promise<void>((reached) => {
        let release!: (then: 'continue' | 'reset') => void;
        const released = new Promise<'continue' | 'reset'>((resolve) => (release = resolve));
        holds.set(name, { at: bytes, reached, released, release });
      });
    },
    release(name, then = 'continue') {
      const hold = pausing.get(name) ?? holds.get(name);
      pausing.delete(name);
      holds.delete(name);
      hold?.release(then);
    },
    dropAfter(name, bytes, how) {
      drops.set(name, { at: bytes, how });
    },
    ignoreRange(name) {
      rangeIgnored.add(name);
    },
    arrivals(count) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise<void>((resolve) => arrivalWaiters.push({ count, resolve }));
    },
    close() {
      for (const hold of [...holds.values(), ...pausing.values()]) hold.release('continue');
      holds.clear();
      pausing.clear();
      for (const timer of timers) clearTimeout(timer);
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
