import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FuturesSession } from '@requests-futures/core';
import { finishedFutures } from '../dist/download/finished-futures.js';

describe('finishedFutures (the download pump)', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    // /fail answers 500, /slow-N answers after N ms: completion order differs from input order.
    server = createServer((req, res) => {
      const delay = Number(/slow-(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
      setTimeout(() => {
        res.writeHead(req.url === '/fail' ? 500 : 200);
        res.end(req.url);
      }, delay);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('never has more than `window` inputs pulled and unconsumed, and yields futures with their meta', async () => {
    const session = new FuturesSession({ maxWorkers: 4 });
    let pulled = 0;
    let consumed = 0;
    let worstAhead = 0;
    async function* inputs() {
      for (let i = 0; i < 60; i += 1) {
        pulled += 1;
        worstAhead = Math.max(worstAhead, pulled - consumed);
        yield { url: `${base}/item-${i}`, meta: { i } };
      }
    }
    const seen = new Set<number>();
    try {
      for await (const { future } of finishedFutures(session, inputs(), 4)) {
        const response = await future.result();
        expect(response.text).toBe(`/item-${(future.meta as { i: number }).i}`);
        seen.add((future.meta as { i: number }).i);
        // A slow consumer: the pump must wait for it rather than read ahead.
        await new Promise((resolve) => setImmediate(resolve));
        consumed += 1;
      }
    } finally {
      await session.close();
    }
    expect(seen.size).toBe(60);
    expect(worstAhead).toBeLessThanOrEqual(4 + 1);
  });

  it('yields in completion order and hands over failed futures instead of throwing', async () => {
    const session = new FuturesSession({ maxWorkers: 3 });
    const order: string[] = [];
    try {
      const inputs = (async function* () {
        yield `${base}/slow-300`;
        yield `${base}/fail`;
        yield { url: 'http://127.0.0.1:1/refused', meta: 'refused' };
      })();
      for await (const { future } of finishedFutures(session, inputs, 3)) {
        const outcome = await future.result().then(
          (r) => `${r.statusCode} ${r.url.replace(base, '')}`,
          (e: Error) => `${e.name} ${String(future.meta)}`,
        );
        order.push(outcome);
      }
    } finally {
      await session.close();
    }
    expect(order).toHaveLength(3);
    expect(order[2]).toBe('200 /slow-300');
    expect(order).toEqual(expect.arrayContaining(['500 /fail', 'ConnectionError refused']));
  });
});
