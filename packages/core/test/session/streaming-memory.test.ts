/**
 * A large streamed body, slowly consumed, never sits whole in a process: on
 * ProcessPoolExecutor the child stops reading the socket while the
 * coordinator's consumer is slow (credit-based backpressure over IPC), so the
 * server stops writing; both processes' resident memory stays flat.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { FuturesSession, ProcessPoolExecutor, ThreadPoolExecutor } from '@requests-futures/core';
import { isAlive, listenOnLoopback } from '@requests-futures/testing';

const MiB = 1024 * 1024;
const BODY_BYTES = Number(process.env.RF_STREAM_TEST_MIB ?? 256) * MiB;
const BLOCK = Buffer.alloc(64 * 1024, 0x5a);

/** Resident memory of `pid` now (VmRSS), MiB. */
function rssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match![1]) / 1024;
}

let server: Server;
let url = '';
/** Bytes the server has handed to its socket (write() honours backpressure: it waits for 'drain'). */
let written = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': BODY_BYTES });
    let sent = 0;
    const pump = (): void => {
      while (sent < BODY_BYTES) {
        sent += BLOCK.length;
        written += BLOCK.length;
        if (!res.write(BLOCK)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    req.socket.once('close', () => res.removeAllListeners('drain'));
    pump();
  });
  url = `http://127.0.0.1:${await listenOnLoopback(server)}/big`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Waits until `written` has not moved for `quietMs`: the server is blocked on a full socket. */
async function untilServerStalls(quietMs = 300, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let last = written;
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`the server kept writing (${written} bytes)`);
    await new Promise((resolve) => setTimeout(resolve, 25));
    if (written !== last) {
      last = written;
      since = Date.now();
    }
  }
}

describe.each([
  { name: 'ProcessPoolExecutor', make: () => new ProcessPoolExecutor({ maxWorkers: 1 }) },
  { name: 'ThreadPoolExecutor', make: () => new ThreadPoolExecutor({ maxWorkers: 1 }) },
])('a 256 MiB streamed body on $name', ({ make }) => {
  it('stops the server while the consumer stalls, and keeps resident memory flat while it reads slowly', async () => {
    const executor = make();
    const session = new FuturesSession({ executor });
    try {
      // Warm the pool (its child, got loaded) before the baselines.
      (await session.get(url.replace('/big', '/warm'), { stream: true }).result()).close();
      const child = executor instanceof ProcessPoolExecutor ? executor.stats().workers[0]! : undefined;
      const childBase = child === undefined ? 0 : rssMb(child);
      const ownBase = rssMb(process.pid);
      written = 0;

      const response = await session.get(url, { stream: true }).result();
      const chunks = response.iterContent(null)[Symbol.asyncIterator]();
      let consumed = 0;
      while (consumed < 16 * MiB) consumed += (await chunks.next()).value!.byteLength;

      // The consumer stalls: the server must stop within a bounded distance of what was consumed.
      await untilServerStalls();
      const ahead = written - consumed;
      expect(ahead).toBeLessThan(24 * MiB);

      // Slowly: a macrotask between chunks. Sample both processes as the body goes by.
      let childPeak = childBase;
      let ownPeak = ownBase;
      let nextSample = consumed;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
        consumed += next.value.byteLength;
        if (consumed >= nextSample) {
          nextSample += 8 * MiB;
          if (child !== undefined) childPeak = Math.max(childPeak, rssMb(child));
          ownPeak = Math.max(ownPeak, rssMb(process.pid));
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      }
      expect(consumed).toBe(BODY_BYTES);
      expect(ownPeak - ownBase).toBeLessThan(96);
      if (child !== undefined) expect(childPeak - childBase).toBeLessThan(96);
      process.stderr.write(`${executor.constructor.name}: ${Math.round(ahead / MiB)} MiB ahead while stalled; RSS growth: coordinator ${Math.round(ownPeak - ownBase)} MiB` + (child === undefined ? '\n' : `, child ${Math.round(childPeak - childBase)} MiB\n`));
    } finally {
      await session.close();
      await executor.shutdown();
    }
    for (const pid of executor instanceof ProcessPoolExecutor ? executor.stats().workers : []) expect(isAlive(pid)).toBe(false);
  }, 120_000);
});
