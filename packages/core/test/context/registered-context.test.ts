/**
 * Registered AsyncLocalStorage contexts across processes: on a ProcessPoolExecutor
 * shared by tenants, each request's response hooks and backgroundCallback in the
 * child see their own caller's registered store, and done callbacks in the
 * coordinator their own caller's context; what cannot travel is refused at submit.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AsyncLocalStorage } from 'node:async_hooks';
import { FuturesSession, PicklingError, ProcessPoolExecutor, ThreadPoolExecutor, fnRef, registerContext, type Future } from '@requests-futures/core';
import { startHoldServer, type HoldServer } from '@requests-futures/testing';
import { tenant, unregistered } from '../fixtures/tenant-context.js';

const FIXTURE = new URL('../fixtures/tenant-context.ts', import.meta.url);
const options = { hooks: { response: [fnRef(FIXTURE, 'recordTenant')] }, backgroundCallback: fnRef(FIXTURE, 'tenantReport') };

interface Report {
  hook: string | null;
  background: string | null;
  unregistered: string | null;
}

describe('registered contexts on a ProcessPoolExecutor shared by tenants', () => {
  let server: HoldServer;
  let executor: ProcessPoolExecutor;
  let session: FuturesSession;
  let unregister: () => void;
  beforeAll(async () => {
    server = await startHoldServer();
    // One child running one request at a time: the second tenant's requests queue.
    executor = new ProcessPoolExecutor({ maxWorkers: 1, concurrencyPerWorker: 1 });
    session = new FuturesSession({ executor });
    unregister = registerContext(tenant, fnRef(FIXTURE, 'tenant'), { pick: ({ id }) => ({ id }) });
  });
  afterAll(async () => {
    unregister();
    await session.close();
    await executor.shutdown();
    await server.close();
  });

  it("each request's hooks and backgroundCallback in the child see their caller's registered store; done callbacks their caller's context", async () => {
    const doneSaw: Array<[string, string | undefined]> = [];
    const request = (id: string, path: string) =>
      tenant.run({ id, log: () => undefined }, () =>
        unregistered.run(`secret-of-${id}`, () => {
          const future = session.get(`${server.url}${path}`, options) as unknown as Future<Report>;
          future.addDoneCallback(() => doneSaw.push([id, tenant.getStore()?.id]));
          return future;
        }),
      );
    const first = request('other', '/other');
    await server.arrived('/other');
    const queued = [1, 2, 3].map((n) => {
      server.release(`/abc${n}`);
      return request('abc', `/abc${n}`);
    });
    server.release('/other');
    expect(await first).toEqual({ hook: 'other', background: 'other', unregistered: null });
    for (const report of await Promise.all(queued)) expect(report).toEqual({ hook: 'abc', background: 'abc', unregistered: null });
    expect(doneSaw.sort()).toEqual([['abc', 'abc'], ['abc', 'abc'], ['abc', 'abc'], ['other', 'other']]);
  });

  it('a request made outside any registered context runs with none', async () => {
    server.release('/none');
    expect(await session.get(`${server.url}/none`, options)).toEqual({ hook: null, background: null, unregistered: null });
  });

  it('a registered store that cannot travel is a PicklingError at submit, naming the context', () => {
    const raw = new AsyncLocalStorage<{ fn: () => void }>();
    const undo = registerContext(raw, fnRef(FIXTURE, 'unregistered'));
    try {
      expect(() => raw.run({ fn: () => undefined }, () => session.get(`${server.url}/never`))).toThrow(PicklingError);
      expect(() => raw.run({ fn: () => undefined }, () => session.get(`${server.url}/never`))).toThrow(/registeredContext\(file:.*tenant-context\.ts#unregistered\)\.fn/);
    } finally {
      undo();
    }
  });

  it('a ref that names something other than an AsyncLocalStorage fails the request with FnRefImportError', async () => {
    const storage = new AsyncLocalStorage<string>();
    const undo = registerContext(storage, fnRef(FIXTURE, 'recordTenant'));
    try {
      server.release('/wrong-ref');
      await expect(storage.run('x', () => session.get(`${server.url}/wrong-ref`))).rejects.toThrow(/must name an exported AsyncLocalStorage/);
    } finally {
      undo();
    }
  });
});

describe('registerContext', () => {
  it('refuses what is not an AsyncLocalStorage, an fnRef or a pick function, with a TypeError', () => {
    expect(() => registerContext({} as AsyncLocalStorage<unknown>, fnRef(FIXTURE, 'tenant'))).toThrow(/storage must be an AsyncLocalStorage, got Object/);
    expect(() => registerContext(tenant, 'tenant' as never)).toThrow(/ref must be fnRef/);
    expect(() => registerContext(tenant, fnRef(FIXTURE, 'tenant'), { pick: 1 as never })).toThrow(/pick must be a function/);
  });

  it('on a ThreadPoolExecutor nothing travels: the hooks run in the caller context itself', async () => {
    const undo = registerContext(tenant, fnRef(FIXTURE, 'tenant'));
    const session = new FuturesSession({ executor: new ThreadPoolExecutor(1) });
    const server = await startHoldServer();
    try {
      server.release('/in-process');
      const report = await tenant.run({ id: 'local' }, () => unregistered.run('visible', () => session.get(`${server.url}/in-process`, options)));
      expect(report).toEqual({ hook: 'local', background: 'local', unregistered: 'visible' });
    } finally {
      undo();
      await session.close();
      await session.executor.shutdown();
      await server.close();
    }
  });
});
