/**
 * `rf bench --redis URL --queue NAME`: the load spread over every rf worker
 * connected to the queue, started at one barrier, and their HDR histograms
 * merged (never their percentiles). The conversation is in fleet-protocol.ts;
 * each worker runs its share through coordinator.ts as `rf bench` would
 * (worker/bench-responder.ts).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { WorkerLost } from '@requests-futures/distributed';
import { mergeLoads, planShares, READY_TIMEOUT_MS, type EncodedLoad, type MergedLoad, type RunControl } from './coordinator.js';
import { LoadStartError, WorkerLoadError } from './errors.js';
import { benchChannel, parseMessage, replyChannel, SILENCE_MS, WORKER_KINDS, type CoordinatorMessage, type WorkerMessage } from './fleet-protocol.js';
import { openFleetRedis } from './fleet-redis.js';
import type { LoadSpec } from './load-spec.js';
import type { LoopProgress } from './load-loop.js';
import { addProgress } from './start-barrier.js';

export interface FleetFlags {
  redis: string;
  queue: string;
  /** Redis key prefix, as the workers' --prefix. Default 'rf'. */
  prefix?: string;
}

export interface WorkerLoad {
  name: string;
  load: MergedLoad;
}

/** The merged load, and each worker's own (for the report's per-worker lines). */
export interface FleetLoad {
  load: MergedLoad;
  workers: WorkerLoad[];
}

export async function runLoadOnFleet(spec: LoadSpec, flags: FleetFlags, { onSecond, stop }: RunControl = {}): Promise<FleetLoad> {
  const prefix = flags.prefix ?? 'rf';
  const runId = `${hostname()}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const publisher = await openFleetRedis(flags.redis, { reconnect: false });
  let subscriber: Redis | undefined;
  const run = new FleetRun(onSecond);
  const say = (message: CoordinatorMessage) => publisher.publish(benchChannel(prefix, flags.queue), JSON.stringify(message));
  const silence = setInterval(() => run.checkSilence(), 1000);
  let finished = false;
  try {
    subscriber = await openFleetRedis(flags.redis, { reconnect: false });
    subscriber.on('message', (_channel: string, text: string) => {
      const message = parseMessage<WorkerMessage>(text, WORKER_KINDS);
      if (message !== undefined) run.receive(message);
    });
    for (const connection of [publisher, subscriber]) connection.once('end', () => run.fail(new LoadStartError(`lost Redis at ${flags.redis} during the run`)));
    await subscriber.subscribe(replyChannel(prefix, flags.queue, runId));

    // PUBLISH answers how many connections heard it: exactly that many workers will answer.
    const listeners = await say({ kind: 'call', run: runId });
    if (listeners === 0) throw new LoadStartError(`no rf worker listens on queue ${flags.queue} at ${flags.redis}: start some with rf worker --redis ${flags.redis} --queue ${flags.queue}`);
    await run.until(() => run.present.length >= listeners, SILENCE_MS, () => `only ${run.present.length} of ${listeners} rf workers answered the call`);

    const names = [...run.present].sort();
    const shares = planShares(spec, names.length);
    const planned = names.slice(0, shares.length);
    run.expect(planned);
    await say({ kind: 'plan', run: runId, shares: Object.fromEntries(planned.map((name, i) => [name, shares[i]!])) });
    await run.until(() => run.ready.size === planned.length, READY_TIMEOUT_MS, () => `rf workers not ready after ${READY_TIMEOUT_MS} ms: ${planned.filter((n) => !run.ready.has(n)).join(', ')}`);

    const stopWorkers = () => void say({ kind: 'stop', run: runId }).catch(() => {});
    stop?.addEventListener('abort', stopWorkers, { once: true });
    try {
      if (stop?.aborted) stopWorkers();
      await say({ kind: 'go', run: runId });
      await run.until(() => run.done.size === planned.length, Infinity, () => 'unreachable');
    } finally {
      stop?.removeEventListener('abort', stopWorkers);
    }
    finished = true;
    const workers = planned.map((name) => ({ name, load: mergeLoads([run.done.get(name)!]) }));
    return { load: mergeLoads(planned.map((name) => run.done.get(name)!)), workers };
  } finally {
    clearInterval(silence);
    // After a failure, the other workers stop now rather than run out their -d or -n for nobody.
    if (!finished) await say({ kind: 'stop', run: runId }).catch(() => {});
    await Promise.allSettled([publisher.quit(), subscriber?.quit()]);
  }
}

/** What the workers said so far, and waits on it. */
class FleetRun {
  readonly present: string[] = [];
  readonly ready = new Set<string>();
  readonly done = new Map<string, EncodedLoad>();
  private expected: string[] = [];
  private readonly lastHeard = new Map<string, number>();
  /** Per second of the run, the workers' progress reports so far. */
  private readonly seconds: LoopProgress[][] = [];
  private readonly secondsReported = new Map<string, number>();
  private failure: Error | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly onSecond?: (progress: LoopProgress) => void) {}

  /** The workers with a share: from now on each must be heard at least every SILENCE_MS until it is done. */
  expect(names: string[]): void {
    this.expected = names;
    for (const name of names) this.lastHeard.set(name, Date.now());
  }

  receive(message: WorkerMessage): void {
    const { worker } = message;
    this.lastHeard.set(worker, Date.now());
    switch (message.kind) {
      case 'here':
        // Shares go by name: two workers of one name would both run the same share.
        if (this.present.includes(worker)) this.fail(new LoadStartError(`two rf workers on this queue are named ${worker}: give each its own --name`));
        this.present.push(worker);
        break;
      case 'ready':
        this.ready.add(worker);
        break;
      case 'progress':
        this.addSecond(worker, message.progress);
        break;
      case 'done':
        this.done.set(worker, message.load);
        break;
      case 'failed':
        this.fail(new WorkerLoadError(`rf worker ${worker} could not run its share of the load: ${message.error}`, worker));
        break;
      case 'alive':
        break;
    }
    this.changed();
  }

  private addSecond(worker: string, progress: LoopProgress): void {
    const index = this.secondsReported.get(worker) ?? 0;
    this.secondsReported.set(worker, index + 1);
    const second = (this.seconds[index] ??= []);
    second.push(progress);
    // Workers send counts, not histograms: the p99 shown is the worst worker's (the final report merges histograms).
    if (second.length === this.expected.length) this.onSecond?.(addProgress(second.map((progress) => ({ progress }))));
  }

  checkSilence(): void {
    const now = Date.now();
    for (const name of this.expected) {
      if (this.done.has(name)) continue;
      const silentMs = now - (this.lastHeard.get(name) ?? now);
      if (silentMs > SILENCE_MS) this.fail(new WorkerLost(`rf worker ${name} went silent for ${(silentMs / 1000).toFixed(1)} s during the bench (killed, or its machine or network lost)`, name));
    }
  }

  fail(error: Error): void {
    this.failure ??= error;
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  /** Resolves once `condition` holds; rejects with the run's failure, or with LoadStartError(what()) after `timeoutMs`. */
  until(condition: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = Number.isFinite(timeoutMs) ? setTimeout(() => settle(new LoadStartError(what())), timeoutMs) : undefined;
      const settle = (error?: Error) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (this.failure) settle(this.failure);
        else if (condition()) settle();
      };
      this.listeners.add(check);
      check();
    });
  }
}
