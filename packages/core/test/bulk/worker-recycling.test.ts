/**
 * Worker recycling through FuturesSession requests: maxTasksPerChild and
 * maxMemoryPerChildMb really replace the children (new pids), and every
 * request still succeeds. The memory case uses a response hook that leaks on
 * purpose (a module-level array growing by GROWTH_MB per response).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { FuturesSession, ProcessPoolExecutor, fnRef, type Response } from '@requests-futures/core';
import { startHttpbin, type Httpbin } from '@requests-futures/testing';
import { GROWTH_MB } from './fixtures/recycling-hooks.mjs';
import { isAlive } from './support/helpers.js';

const HOOKS = new URL('./fixtures/recycling-hooks.mjs', import.meta.url);

interface TaggedResponse extends Response {
  workerPid: number;
  servedByThisWorker: number;
  retainedChunks?: number;
  residentMb?: number;
}

let server: Httpbin;
const executors: ProcessPoolExecutor[] = [];
beforeAll(async () => {
  server = await startHttpbin();
});
afterEach(async () => {
  const pids = executors.flatMap((e) => e.stats().workers);
  await Promise.all(executors.splice(0).map((e) => e.shutdown({ cancelFutures: true, abort: true })));
  expect(pids.filter(isAlive)).toEqual([]);
});
afterAll(async () => {
  await server.close();
});

async function fetchAll(executor: ProcessPoolExecutor, count: number, hook: string): Promise<TaggedResponse[]> {
  const session = new FuturesSession({ executor, hooks: { response: fnRef(HOOKS, hook) } });
  try {
    const urls = Array.from({ length: count }, (_, i) => `${server.url}/bytes/64?seed=${i}`);
    const responses: TaggedResponse[] = [];
    for await (const future of session.map(urls, { ordered: true })) responses.push((await future.result()) as TaggedResponse);
    return responses;
  } finally {
    await session.close();
  }
}

function byWorker(responses: TaggedResponse[]): Map<number, TaggedResponse[]> {
  const groups = new Map<number, TaggedResponse[]>();
  for (const response of responses) {
    const group = groups.get(response.workerPid) ?? [];
    group.push(response);
    groups.set(response.workerPid, group);
  }
  for (const group of groups.values()) group.sort((a, b) => a.servedByThisWorker - b.servedByThisWorker);
  return groups;
}

describe('worker recycling through FuturesSession', () => {
  it('maxTasksPerChild: each child runs at most that many requests, then is replaced; all succeed', async () => {
    // Several requests per child at once: a retiring child's unstarted ones go to another child.
    const executor = new ProcessPoolExecutor({ maxWorkers: 2, maxTasksPerChild: 3 });
    executors.push(executor);
    const responses = await fetchAll(executor, 12, 'tagWorker');

    expect(responses.map((r) => r.statusCode)).toEqual(Array(12).fill(200));
    expect(responses.map((r) => r.content.length)).toEqual(Array(12).fill(64));
    const workers = byWorker(responses);
    // Two children at a time, three requests each: at least four different children served the twelve.
    for (const group of workers.values()) expect(group.map((r) => r.servedByThisWorker)).toEqual(group.map((_, i) => i + 1));
    for (const group of workers.values()) expect(group.length).toBeLessThanOrEqual(3);
    expect(workers.size).toBeGreaterThanOrEqual(4);
    expect(executor.stats()).toMatchObject({ failed: 0, completed: 12 });
  });

  it('maxMemoryPerChildMb: a child whose memory grows is retired after the request that crossed the limit; all succeed', async () => {
    // A child's resident size climbs in steps of GROWTH_MB from ≈80 MB (≈82, 106, 130 on Node 20):
    // a limit on a step would let the hook read just under it and the child, a moment later, just over.
    const limitMb = 118;
    // One request per child at a time makes "the request that crossed the limit" exact.
    const executor = new ProcessPoolExecutor({ maxWorkers: 2, concurrencyPerWorker: 1, maxMemoryPerChildMb: limitMb });
    executors.push(executor);
    const responses = await fetchAll(executor, 16, 'growAndTag');

    expect(responses.map((r) => r.statusCode)).toEqual(Array(16).fill(200));
    const workers = byWorker(responses);
    // Without recycling two children would serve 8 each and hold 8 × GROWTH_MB.
    expect(workers.size).toBeGreaterThanOrEqual(3);
    for (const group of workers.values()) {
      // The leak is per child: a fresh child starts from nothing.
      expect(group.map((r) => r.retainedChunks)).toEqual(group.map((_, i) => i + 1));
      // Only a child's last request may report more than the limit: it retired right after it.
      const over = group.filter((r) => r.residentMb! > limitMb);
      expect(over.length).toBeLessThanOrEqual(1);
      if (over.length === 1) expect(over[0]).toBe(group[group.length - 1]);
    }
    // Children did reach the limit (and were replaced: more children than the pool's two).
    const retired = [...workers.values()].filter((group) => group[group.length - 1]!.residentMb! > limitMb);
    expect(retired.length).toBeGreaterThanOrEqual(2);
    expect(retired.every((group) => group.length * GROWTH_MB < limitMb + GROWTH_MB)).toBe(true);
    expect(executor.stats()).toMatchObject({ failed: 0, completed: 16 });
  });
});
