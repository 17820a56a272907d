/**
 * Support for the ProcessPoolExecutor tests: a server on 127.0.0.1 that holds
 * every request until the test releases it, so a test knows (by event, not by
 * timing) that a task is running in a child, which child (x-pid header), and
 * whether the child gave up the request (abort).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fnRef, type FnRef } from '@requests-futures/serializer';
import { ProcessPoolExecutor } from '../../dist/executors/index.js';
export { isAlive } from '@requests-futures/testing';
export { rejectionOf } from '../bulk/support/helpers.js';

export const TASKS_URL = new URL('../fixtures/tasks.ts', import.meta.url).href;

export function task(name: string): FnRef {
  return fnRef(TASKS_URL, name);
}

export interface HeldRequest {
  readonly path: string;
  /** The child process that sent it. */
  readonly pid: number;
  /** Resolves if the client closed the request before it was answered (an abort reached the child). */
  readonly abandoned: Promise<void>;
  release(body?: string): void;
}

export interface GateServer {
  readonly url: string;
  readonly held: readonly HeldRequest[];
  /** Most requests held at the same time so far. */
  readonly maxConcurrent: number;
  /** Resolves once `count` requests have arrived in total. */
  arrivals(count: number): Promise<HeldRequest[]>;
  releaseAll(): void;
  /** Releases what is held and answers every later request at once. */
  openGate(): void;
  close(): Promise<void>;
}

export async function startGateServer(): Promise<GateServer> {
  const held: HeldRequest[] = [];
  const waiters: Array<{ count: number; resolve: (all: HeldRequest[]) => void }> = [];
  let open = 0;
  let maxConcurrent = 0;
  let gateOpen = false;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    open += 1;
    maxConcurrent = Math.max(maxConcurrent, open);
    let answered = false;
    const abandoned = new Promise<void>((resolve) => {
      res.on('close', () => {
        open -= 1;
        if (!answered) resolve();
      });
    });
    const request: HeldRequest = {
      path: req.url ?? '/',
      pid: Number(req.headers['x-pid']),
      abandoned,
      release(body = req.url ?? '') {
        if (answered || res.destroyed) return;
        answered = true;
        res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
      },
    };
    held.push(request);
    if (gateOpen) request.release();
    for (const waiter of waiters.filter((w) => held.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve([...held]);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    held,
    get maxConcurrent() {
      return maxConcurrent;
    },
    arrivals(count) {
      if (held.length >= count) return Promise.resolve([...held]);
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    releaseAll() {
      for (const request of held) request.release();
    },
    openGate() {
      gateOpen = true;
      for (const request of held) request.release();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}


/**
 * Executors and gate servers a test started, ended after it even when it
 * failed midway: every gate opened, every executor shut down (aborting what
 * runs), every server closed. `cleanUp` returns the pids the executors had.
 */
export function testResources() {
  const started: ProcessPoolExecutor[] = [];
  const gates: GateServer[] = [];
  return {
    executor(options: ConstructorParameters<typeof ProcessPoolExecutor>[0]): ProcessPoolExecutor {
      const created = new ProcessPoolExecutor(options);
      started.push(created);
      return created;
    },
    async gateServer(): Promise<GateServer> {
      const gate = await startGateServer();
      gates.push(gate);
      return gate;
    },
    async cleanUp(): Promise<number[]> {
      for (const gate of gates) gate.openGate();
      const pids = started.flatMap((e) => e.stats().workers);
      await Promise.all(started.splice(0).map((e) => e.shutdown({ cancelFutures: true, abort: true })));
      await Promise.all(gates.splice(0).map((g) => g.close()));
      return pids;
    },
  };
}
