/**
 * Our library, as a user would drive it: submit every request to a
 * FuturesSession, then collect the futures (requests-futures' idiom).
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Executor, FuturesSession, Response } from '@requests-futures/core';
import type { Arm } from '../arm.js';
import { distributedArmName, processPoolArmName, threadPoolArmName } from '../baselines.js';
import type { reduceToSummary } from '../hooks.js';
import { measureInProcess } from './timing.js';
import { warmUpCount } from './warm-up.js';
import type { HelperPids } from '../proc/cpu-time.js';
import { UnexpectedResponseError } from './unexpected-response.js';

export type ExecutorChoice =
  | { kind: 'thread'; maxWorkers: number }
  | { kind: 'process'; maxWorkers: number; inFlight: number; name?: string }
  | DistributedChoice;

/** DistributedExecutor on a local redis-server, with `workers` rf worker processes started for the arm (distributed-fleet.ts). */
export interface DistributedChoice {
  kind: 'distributed';
  workers: number;
  inFlight: number;
  redis: string;
  /** The redis-server's pid, whose CPU the arm counts. */
  redisPid: number;
  queue: string;
}

export interface OpenSession {
  session: FuturesSession;
  executor?: Executor;
  /** What else the arm started (rf workers), stopped after the executor. */
  release?: () => Promise<void>;
  /** The processes that run the tasks (and Redis), whose CPU a `cpu` arm counts. */
  helpers?: () => HelperPids;
}

type Core = typeof import('@requests-futures/core');
let core: Promise<Core> | undefined;

/**
 * Loaded on first use, not at start-up: while the core package is broken or
 * unbuilt, its arms fail with the reason and every other arm still runs.
 */
function loadCore(): Promise<Core> {
  core ??= import('@requests-futures/core');
  return core;
}

/**
 * A session on the chosen executor. For a process pool the in-flight total
 * is split evenly over the children (16 = 1×16 = 2×8 = 4×4), so arms
 * compare at the same concurrency as got's 16.
 */
async function openSession(choice: ExecutorChoice): Promise<OpenSession> {
  if (choice.kind === 'distributed') return (await import('./distributed-fleet.js')).openDistributedSession(choice);
  const { FuturesSession, ProcessPoolExecutor } = await loadCore();
  if (choice.kind === 'thread') return { session: new FuturesSession({ maxWorkers: choice.maxWorkers }) };
  const executor = new ProcessPoolExecutor({
    maxWorkers: choice.maxWorkers,
    concurrencyPerWorker: Math.max(1, Math.round(choice.inFlight / choice.maxWorkers)),
  });
  const session = new FuturesSession({ executor, adapterOptions: { poolMaxSize: choice.inFlight } });
  return { session, executor, helpers: () => ({ workers: executor.stats().workers, redis: [] }) };
}

async function closeSession(open: OpenSession | undefined): Promise<void> {
  if (!open) return;
  await open.session.close();
  // A given executor is not the session's to shut down (API.md).
  await open.executor?.shutdown({ wait: true });
  await open.release?.();
}

export function armNameFor(choice: ExecutorChoice): string {
  if (choice.kind === 'distributed') return distributedArmName(choice.workers);
  return choice.kind === 'thread' ? threadPoolArmName(choice.maxWorkers) : (choice.name ?? processPoolArmName(choice.maxWorkers));
}

function detailFor(choice: ExecutorChoice, extra = ''): string {
  const base =
    choice.kind === 'thread'
      ? `ThreadPoolExecutor(maxWorkers ${choice.maxWorkers})`
      : choice.kind === 'distributed'
        ? `${choice.workers} rf worker${choice.workers > 1 ? 's' : ''} × ${Math.round(choice.inFlight / choice.workers)}, Redis on loopback`
        : `${choice.maxWorkers} child${choice.maxWorkers > 1 ? 'ren' : ''} × ${Math.round(choice.inFlight / choice.maxWorkers)}`;
  return extra ? `${base}, ${extra}` : base;
}

function expectOk(name: string, response: Response): void {
  if (response.statusCode !== 200) throw new UnexpectedResponseError(name, response.url, `status ${response.statusCode}`);
}

/** What one FuturesSession arm sends `total` times, and how it checks each result. */
interface SessionWorkload<T> {
  detail?: string;
  /** Also measure this process's CPU time per task (the coordinator's: a pool's children are not counted). */
  cpu?: boolean;
  /** Runs once when the arm opens (e.g. loading a hook). */
  prepare?: () => Promise<void>;
  submit: (session: FuturesSession) => PromiseLike<T>;
  /** Throws on a wrong result; returns the body bytes it carried, if they count. */
  check: (result: T) => number | undefined;
}

/** requests-futures' idiom: submit every request, then collect the futures in order. */
function sessionArm<T>(choice: ExecutorChoice, total: number, workload: SessionWorkload<T>, warmUp?: number): Arm {
  let open: OpenSession | undefined;
  const measure = (count: number) => {
    const session = open!.session;
    return measureInProcess(async () => {
      const futures = Array.from({ length: count }, () => workload.submit(session));
      let bytes: number | undefined;
      for (const future of futures) {
        const carried = workload.check(await future);
        if (carried !== undefined) bytes = (bytes ?? 0) + carried;
      }
      return bytes === undefined ? { requests: count } : { requests: count, bytes };
    }, { cpu: workload.cpu ?? false, ...(open!.helpers ? { helpers: open!.helpers() } : {}) });
  };
  return {
    name: armNameFor(choice),
    detail: detailFor(choice, workload.detail),
    async open() {
      open = await openSession(choice);
      await workload.prepare?.();
    },
    run: () => measure(total),
    warmUp: () => measure(warmUpCount(total, warmUp)),
    close: () => closeSession(open),
  };
}

export function futuresGetsArm(options: { url: string; total: number; choice: ExecutorChoice; warmUp?: number; cpu?: boolean }): Arm {
  const name = armNameFor(options.choice);
  return sessionArm<Response>(options.choice, options.total, {
    cpu: options.cpu ?? false,
    submit: (session) => session.get(options.url),
    check: (response) => {
      expectOk(name, response);
      return response.content.length;
    },
  }, options.warmUp);
}

/** The cpu-hook scenario: a response hook parses and reduces each 50 KB body where the request runs. */
export function futuresHookArm(options: { url: string; total: number; choice: ExecutorChoice }): Arm {
  const name = armNameFor(options.choice);
  let hook: unknown;
  return sessionArm<ReturnType<typeof reduceToSummary>>(options.choice, options.total, {
    detail: 'hook: fnRef reduceToSummary',
    async prepare() {
      // In-process a closure would do; the fnRef works in both and keeps the arms identical.
      hook = (await import('../hooks.js')).reduceToSummaryHook;
    },
    submit: (session) => session.get(options.url, { hooks: { response: hook as never } }) as unknown as PromiseLike<ReturnType<typeof reduceToSummary>>,
    check: (summary) => {
      if (typeof summary?.count !== 'number' || summary.count === 0) {
        throw new UnexpectedResponseError(name, options.url, `a hook result without items: ${JSON.stringify(summary).slice(0, 100)}`);
      }
      return undefined;
    },
  });
}

export function futuresDownloadArm(options: { urls: string[]; expectedBytes: number; choice: ExecutorChoice; outDir: string; cpu?: boolean }): Arm {
  const name = armNameFor(options.choice);
  let open: OpenSession | undefined;
  return {
    name,
    detail: detailFor(options.choice, 'saveTo'),
    async open() {
      open = await openSession(options.choice);
    },
    async run() {
      const session = open!.session;
      await rm(options.outDir, { recursive: true, force: true });
      await mkdir(options.outDir, { recursive: true });
      try {
        return await measureInProcess(async () => {
          const futures = options.urls.map((url, index) =>
            session.get(url, { saveTo: join(options.outDir, `${String(index).padStart(4, '0')}.bin`) }),
          );
          let bytes = 0;
          for (const future of futures) {
            const response = await future;
            expectOk(name, response);
            bytes += response.bytes ?? 0;
          }
          if (bytes !== options.expectedBytes) {
            throw new UnexpectedResponseError(name, options.urls[0] ?? '', `${bytes} bytes saved, expected ${options.expectedBytes}`);
          }
          return { requests: options.urls.length, bytes };
        }, { cpu: options.cpu ?? false, ...(open!.helpers ? { helpers: open!.helpers() } : {}) });
      } finally {
        await rm(options.outDir, { recursive: true, force: true });
      }
    },
    close: () => closeSession(open),
  };
}
