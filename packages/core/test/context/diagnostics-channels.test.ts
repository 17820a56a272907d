/**
 * diagnostics_channel events of FuturesSession requests, on both executors:
 * start → queued → running → done | error, with times that only go forward.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnosticsChannel from 'node:diagnostics_channel';
import { CancelledError, ConnectionError, FuturesSession, REQUEST_CHANNELS, Session, TASK_CHANNELS, fnRef, type Executor, type RequestDiagnostic, type TaskDiagnostic } from '@requests-futures/core';
import { closedLoopbackPort, startHoldServer, type HoldServer } from '@requests-futures/testing';
import { executorCases } from '../session/executors.js';

type Seen<R = RequestDiagnostic> = Array<{ channel: string; id: number; snapshot: R; store: string | undefined }>;
const caller = new AsyncLocalStorage<string>();

function subscribeAll<R extends { id: number } = RequestDiagnostic>(seen: Seen<R>, names: Record<string, string> = REQUEST_CHANNELS): () => void {
  const unsubscribers = Object.entries(names).map(([channel, name]) => {
    const listener = (message: unknown) => {
      const record = message as R;
      seen.push({ channel, id: record.id, snapshot: { ...record }, store: caller.getStore() });
    };
    diagnosticsChannel.subscribe(name, listener);
    return () => diagnosticsChannel.unsubscribe(name, listener);
  });
  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}

/** Runs `fn` with every event of `names` recorded, then unsubscribes whatever `fn` did. */
async function recording<R extends { id: number } = RequestDiagnostic>(fn: (seen: Seen<R>) => Promise<void>, names: Record<string, string> = REQUEST_CHANNELS): Promise<void> {
  const seen: Seen<R> = [];
  const unsubscribe = subscribeAll(seen, names);
  try {
    await fn(seen);
  } finally {
    unsubscribe();
  }
}

function expectTimesInOrder(record: { startTime: number; queuedTime?: number; runningTime?: number; endTime?: number }): void {
  expect(record.startTime).toBeLessThanOrEqual(record.queuedTime!);
  expect(record.queuedTime).toBeLessThanOrEqual(record.runningTime!);
  expect(record.runningTime).toBeLessThanOrEqual(record.endTime!);
}

/** A request to a closed port: start, queued, running, then error with the ConnectionError. */
function connectionErrorEvents(get: (url: string) => Promise<unknown>, executor: string): Promise<void> {
  return recording(async (seen) => {
    const port = await closedLoopbackPort();
    await expect(get(`http://127.0.0.1:${port}/`)).rejects.toBeInstanceOf(ConnectionError);
    await until(() => seen.some(({ channel }) => channel === 'error'), 'the error event');
    expect(seen.map(({ channel }) => channel)).toEqual(['start', 'queued', 'running', 'error']);
    expect(seen[3]!.snapshot).toMatchObject({ outcome: 'error', executor });
    expect(seen[3]!.snapshot.error).toBeInstanceOf(ConnectionError);
  });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe.each(executorCases)('request diagnostics on $name', ({ make, name }) => {
  let server: HoldServer;
  let session: FuturesSession;
  beforeAll(async () => {
    server = await startHoldServer();
    session = new FuturesSession({ executor: make() });
  });
  afterAll(async () => {
    await session.close();
    await session.executor.shutdown();
    await server.close();
  });

  it('names the channels', () => {
    expect(REQUEST_CHANNELS).toEqual({
      start: 'requests-futures:request:start',
      queued: 'requests-futures:request:queued',
      running: 'requests-futures:request:running',
      done: 'requests-futures:request:done',
      error: 'requests-futures:request:error',
    });
  });

  it('a response: start (in the caller context), queued, running, done, with ordered times and the status', async () => {
    const seen: Seen = [];
    const unsubscribe = subscribeAll(seen);
    try {
      server.release('/ok');
      const response = await caller.run('tenant-a', () => session.get(`${server.url}/ok`, { meta: { job: 7 } }));
      expect(response.statusCode).toBe(200);
      await until(() => seen.some(({ channel }) => channel === 'done'), 'the done event');
      expect(seen.map(({ channel }) => channel)).toEqual(['start', 'queued', 'running', 'done']);
      expect(new Set(seen.map(({ id }) => id)).size).toBe(1);
      expect(seen[0]!.store).toBe('tenant-a');
      const last = seen[3]!.snapshot;
      expect(last).toMatchObject({ method: 'GET', url: `${server.url}/ok`, executor: name, meta: { job: 7 }, outcome: 'done', statusCode: 200 });
      expectTimesInOrder(last);
      expect(Math.abs(last.startTime - Date.now())).toBeLessThan(60_000);
    } finally {
      unsubscribe();
    }
  });

  it('a connection error: error with the ConnectionError', () => connectionErrorEvents((url) => session.get(url), name));

  it('a request cancelled before it ran: start, queued, error (cancelled), never running', async () => {
    const seen: Seen = [];
    const unsubscribe = subscribeAll(seen);
    try {
      const future = session.get(`${server.url}/cancelled`);
      expect(future.cancel()).toBe(true);
      await until(() => seen.some(({ channel }) => channel === 'error'), 'the error event');
      expect(seen.map(({ channel }) => channel)).toEqual(['start', 'queued', 'error']);
      expect(seen[2]!.snapshot).toMatchObject({ outcome: 'cancelled' });
      expect(seen[2]!.snapshot.error).toBeInstanceOf(CancelledError);
    } finally {
      unsubscribe();
    }
  });

  it('publishes nothing once unsubscribed', async () => {
    const seen: Seen = [];
    subscribeAll(seen)();
    server.release('/quiet');
    await session.get(`${server.url}/quiet`);
    expect(seen).toEqual([]);
  });
});

describe('request diagnostics of the plain Session (no executor)', () => {
  let server: HoldServer;
  let session: Session;
  beforeAll(async () => {
    server = await startHoldServer();
    session = new Session();
  });
  afterAll(async () => {
    await session.close();
    await server.close();
  });

  it('a response: start, queued and running inside request() in the caller context, then done with the status', async () => {
    await recording(async (seen) => {
      server.release('/plain');
      const sending = caller.run('tenant-p', () => session.get(`${server.url}/plain`, { meta: 'm' }));
      // Nothing waits for a worker: the first three are published before request() returns.
      expect(seen.map(({ channel }) => channel)).toEqual(['start', 'queued', 'running']);
      expect(seen.every(({ store }) => store === 'tenant-p')).toBe(true);
      expect((await sending).statusCode).toBe(200);
      await until(() => seen.some(({ channel }) => channel === 'done'), 'the done event');
      const last = seen[3]!.snapshot;
      expect(last).toMatchObject({ method: 'GET', url: `${server.url}/plain`, executor: 'Session', crossesProcesses: false, meta: 'm', outcome: 'done', statusCode: 200 });
      expectTimesInOrder(last);
    });
  });

  it('a connection error: error with the ConnectionError', () => connectionErrorEvents((url) => session.get(url), 'Session'));
});

const TASKS = new URL('../fixtures/tasks.ts', import.meta.url);

describe.each(executorCases)('task diagnostics of a bare executor.submit on $name', ({ make, name, crossesProcesses }) => {
  let executor: Executor;
  beforeAll(() => {
    executor = make();
  });
  afterAll(async () => {
    await executor.shutdown();
  });

  it('names the channels', () => {
    expect(TASK_CHANNELS).toEqual({
      start: 'requests-futures:task:start',
      queued: 'requests-futures:task:queued',
      running: 'requests-futures:task:running',
      done: 'requests-futures:task:done',
      error: 'requests-futures:task:error',
    });
  });

  it('a task that returns: start and queued inside submit() in the caller context, running, done, with ordered times', async () => {
    await recording<TaskDiagnostic>(async (seen) => {
      const future = caller.run('tenant-t', () => executor.submit(fnRef(TASKS, 'add'), 2, 3));
      expect(seen.map(({ channel }) => channel)).toEqual(['start', 'queued']);
      expect(seen[0]!.store).toBe('tenant-t');
      expect(await future.result()).toBe(5);
      await until(() => seen.some(({ channel }) => channel === 'done'), 'the done event');
      expect(seen.map(({ channel }) => channel)).toEqual(['start', 'queued', 'running', 'done']);
      const last = seen[3]!.snapshot;
      expect(last).toMatchObject({ executor: name, crossesProcesses, task: `${TASKS.href}#add`, outcome: 'done' });
      expectTimesInOrder(last);
    }, TASK_CHANNELS);
  });

  it('a task that throws: error with its exception', async () => {
    await recording<TaskDiagnostic>(async (seen) => {
      const error = await executor.submit(fnRef(TASKS, 'throwQuota'), 3).exception();
      expect((error as Error).name).toBe('QuotaExceededError');
      await until(() => seen.some(({ channel }) => channel === 'error'), 'the error event');
      expect(seen.map(({ channel }) => channel)).toEqual(['start', 'queued', 'running', 'error']);
      expect(seen[3]!.snapshot.outcome).toBe('error');
      expect((seen[3]!.snapshot.error as Error).name).toBe('QuotaExceededError');
    }, TASK_CHANNELS);
  });

  it('a task cancelled before it ran: start, queued, error (cancelled), never running', async () => {
    await recording<TaskDiagnostic>(async (seen) => {
      const future = executor.submit(fnRef(TASKS, 'add'), 1, 1);
      expect(future.cancel()).toBe(true);
      await until(() => seen.some(({ channel }) => channel === 'error'), 'the error event');
      expect(seen.map(({ channel }) => channel)).toEqual(['start', 'queued', 'error']);
      expect(seen[2]!.snapshot.outcome).toBe('cancelled');
      expect(seen[2]!.snapshot.error).toBeInstanceOf(CancelledError);
    }, TASK_CHANNELS);
  });
});
