/**
 * perHostLimit: at most N requests in flight per host (origin), enforced in
 * the coordinator. Two servers make two hosts (127.0.0.1:<a> and
 * localhost:<b>); each server counts how many of its responses were open at
 * once, and answers after a short delay so requests do overlap.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CancelledError,
  FuturesSession,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  type Executor,
  type Future,
  type Response,
} from '@requests-futures/core';
import { startFileServer, type FileServer } from './support/file-server.js';
import { peakOverlap, rejectionOf } from './support/helpers.js';

const files = new Map([['small.bin', new Uint8Array(64).fill(7)]]);
/** Long enough for requests to overlap on a busy machine; the tests wait on completions, never on this. */
const LATENCY_MS = 40;

let hostA: FileServer;
let hostB: FileServer;
beforeAll(async () => {
  hostA = await startFileServer({ files, latencyMs: LATENCY_MS, hostName: '127.0.0.1' });
  hostB = await startFileServer({ files, latencyMs: LATENCY_MS, hostName: 'localhost' });
});
afterAll(async () => {
  await Promise.all([hostA.close(), hostB.close()]);
});

/** Requests each server saw from `from` on (servers are shared by the tests). */
function since(server: FileServer, from: number) {
  return server.requests.slice(from);
}

const urlsOf = (server: FileServer, count: number, tag: string) =>
  Array.from({ length: count }, (_, i) => `${server.url}/files/small.bin?${tag}=${i}`);

const executorCases = [
  { name: 'ThreadPoolExecutor(8)', make: (): Executor => new ThreadPoolExecutor({ maxWorkers: 8 }) },
  { name: 'ProcessPoolExecutor(2)', make: (): Executor => new ProcessPoolExecutor({ maxWorkers: 2 }) },
];

describe.each(executorCases)('session.map with perHostLimit on $name', ({ make }) => {
  it('keeps each host at the limit, holding inputs of a saturated host aside while it serves the other host', async () => {
    const executor = make();
    const session = new FuturesSession({ executor });
    const [fromA, fromB] = [hostA.requests.length, hostB.requests.length];
    // All of host A's inputs come first: without the side buffer, host B would wait behind them.
    const inputs = [...urlsOf(hostA, 12, 'map'), ...urlsOf(hostB, 12, 'map')];
    const statuses: number[] = [];
    try {
      for await (const future of session.map(inputs, { perHostLimit: 2, maxQueued: 16 })) statuses.push((await future.result()).statusCode);
    } finally {
      await session.close();
      await executor.shutdown();
    }

    expect(statuses).toEqual(inputs.map(() => 200));
    const [onA, onB] = [since(hostA, fromA), since(hostB, fromB)];
    expect(onA).toHaveLength(12);
    expect(onB).toHaveLength(12);
    // Each host at the limit, never above it...
    expect(peakOverlap(onA)).toBe(2);
    expect(peakOverlap(onB)).toBe(2);
    // ...and both hosts at once: B's inputs, pulled while A was saturated, did not wait for A's to finish.
    expect(peakOverlap([...onA, ...onB])).toBe(4);
    expect(onB[0]!.openedAt).toBeLessThan(onA[onA.length - 1]!.openedAt);
  });
});

describe('session.map with perHostLimit', () => {
  it('yields in input order with `ordered: true`, held inputs included', async () => {
    const session = new FuturesSession({ maxWorkers: 8, perHostLimit: 1 });
    const inputs = [...urlsOf(hostA, 4, 'ordered'), ...urlsOf(hostB, 4, 'ordered')].map((url, i) => ({ url, meta: i }));
    const fromA = hostA.requests.length;
    const order: number[] = [];
    try {
      // The session's perHostLimit is the map's default.
      for await (const future of session.map(inputs, { ordered: true })) {
        expect((await future.result()).statusCode).toBe(200);
        order.push(future.meta as number);
      }
    } finally {
      await session.close();
    }
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(peakOverlap(since(hostA, fromA))).toBe(1);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new FuturesSession({ perHostLimit: 0 })).toThrow(RangeError);
    const session = new FuturesSession();
    expect(() => session.map([], { perHostLimit: 1.5 })).toThrow(/perHostLimit must be an integer >= 1/);
    void session.close();
  });
});

describe('FuturesSession({ perHostLimit }).request()', () => {
  it('holds requests over the limit in the coordinator, where they still cancel, without taking executor slots from other hosts', async () => {
    // Two executor slots only: if a held request took one, host B could not start before host A's second request.
    const session = new FuturesSession({ maxWorkers: 2, perHostLimit: 1 });
    const [fromA, fromB] = [hostA.requests.length, hostB.requests.length];
    let futures: Array<Future<Response>> = [];
    try {
      futures = urlsOf(hostA, 5, 'request').map((url) => session.get(url));
      const onB = session.get(urlsOf(hostB, 1, 'request')[0]!);
      const [held, aborted] = [futures[3]!, futures[4]!];
      expect(held.running()).toBe(false);
      expect(held.cancel()).toBe(true);
      const reason = new Error('no longer wanted');
      expect(aborted.abort(reason)).toBe(true);

      expect((await onB.result()).statusCode).toBe(200);
      for (const future of futures.slice(0, 3)) expect((await future.result()).statusCode).toBe(200);
      expect(held.cancelled()).toBe(true);
      const abortError = (await rejectionOf(aborted)) as CancelledError;
      expect(abortError).toBeInstanceOf(CancelledError);
      expect(abortError.cause).toBe(reason);
    } finally {
      await session.close();
    }

    const [onA, onB] = [since(hostA, fromA), since(hostB, fromB)];
    // The cancelled and the aborted requests never reached the server.
    expect(onA).toHaveLength(3);
    expect(peakOverlap(onA)).toBe(1);
    expect(onB[0]!.openedAt).toBeLessThan(onA[1]!.openedAt);
  });

  it('close() cancels the requests still held, and runs them with cancelFutures: false', async () => {
    const cancelling = new FuturesSession({ maxWorkers: 4, perHostLimit: 1 });
    const arrived = hostA.requests.length;
    const first = urlsOf(hostA, 3, 'close').map((url) => cancelling.get(url));
    // The first one is running (the server has it); the other two are held.
    await hostA.arrivals(arrived + 1);
    await cancelling.close();
    expect((await first[0]!.result()).statusCode).toBe(200);
    expect(first.slice(1).map((f) => f.cancelled())).toEqual([true, true]);

    const draining = new FuturesSession({ maxWorkers: 4, perHostLimit: 1 });
    const fromA = hostA.requests.length;
    const second = urlsOf(hostA, 3, 'drain').map((url) => draining.get(url));
    await draining.close({ cancelFutures: false });
    for (const future of second) expect((await future.result()).statusCode).toBe(200);
    expect(peakOverlap(since(hostA, fromA))).toBe(1);
  });
});

describe('session.map and request() share one per-origin limiter', () => {
  it('inputs a map holds for their host are the session\'s held requests: close() cancels them, the map ends without error', async () => {
    const session = new FuturesSession({ maxWorkers: 4, perHostLimit: 1 });
    const arrived = hostA.requests.length;
    const urls = urlsOf(hostA, 4, 'map-close');
    let pulledAll!: () => void;
    const allPulled = new Promise<void>((resolve) => (pulledAll = resolve));
    async function* inputs() {
      yield* urls;
      pulledAll();
    }
    const iterator = session.map(inputs(), { maxQueued: 8 })[Symbol.asyncIterator]();
    const firstStep = iterator.next();
    await allPulled;
    // The first request is with the server; the other three are held for the host.
    await hostA.arrivals(arrived + 1);
    const closed = session.close();
    const futures: Array<Future<Response>> = [];
    for (let step = await firstStep; !step.done; step = await iterator.next()) futures.push(step.value as Future<Response>);
    await closed;
    expect(futures).toHaveLength(4);
    expect(futures.filter((f) => f.cancelled())).toHaveLength(3);
    const [ran] = futures.filter((f) => !f.cancelled());
    expect((await ran!.result()).statusCode).toBe(200);
    expect(since(hostA, arrived)).toHaveLength(1);
  });

  it('a map with a limit of its own stays within the session\'s too', async () => {
    const session = new FuturesSession({ maxWorkers: 8, perHostLimit: 1 });
    const from = hostA.requests.length;
    try {
      const statuses: number[] = [];
      for await (const future of session.map(urlsOf(hostA, 4, 'nested'), { perHostLimit: 3 })) statuses.push((await future.result()).statusCode);
      expect(statuses).toEqual([200, 200, 200, 200]);
    } finally {
      await session.close();
    }
    expect(peakOverlap(since(hostA, from))).toBe(1);
  });
});
