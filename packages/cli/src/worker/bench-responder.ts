/**
 * An rf worker's side of `rf bench --redis` (fleet-protocol.ts): answers a
 * coordinator's call, runs its share of the load here (in this process, or
 * over `--processes` local children, as `rf bench --processes` would), starts
 * at the coordinator's go and sends back its tally with the histograms
 * encoded. The bench code loads only when a share arrives.
 */
import type { Redis } from 'ioredis';
import { ALIVE_EVERY_MS, benchChannel, COORDINATOR_KINDS, parseMessage, replyChannel, type CoordinatorMessage, type WorkerMessage } from '../bench/fleet-protocol.js';
import { openFleetRedis } from '../bench/fleet-redis.js';
import type { LoadSpec } from '../bench/load-spec.js';
import type { LoopProgress } from '../bench/load-loop.js';

export interface BenchResponderOptions {
  redis: string;
  prefix: string;
  queue: string;
  /** This worker's name (the coordinator plans shares by it). */
  name: string;
  /** 0: the load runs in this process; N: over N local child processes. */
  processes: number;
  /** A line for the worker's log (stderr) when a share starts and ends. */
  log?: (line: string) => void;
}

interface ShareInRun {
  /** The coordinator's go (or a stop, which must not leave the share waiting for a go). */
  go(): void;
  stop(): void;
  finished: Promise<void>;
}

export class BenchResponder {
  private readonly shares = new Map<string, ShareInRun>();

  private constructor(
    private readonly options: BenchResponderOptions,
    private readonly subscriber: Redis,
    private readonly publisher: Redis,
  ) {
    subscriber.on('message', (_channel: string, text: string) => {
      const message = parseMessage<CoordinatorMessage>(text, COORDINATOR_KINDS);
      if (message !== undefined) this.onMessage(message);
    });
  }

  /** Resolves once it listens on the queue's bench channel. */
  static async start(options: BenchResponderOptions): Promise<BenchResponder> {
    const subscriber = await openFleetRedis(options.redis, { reconnect: true });
    const publisher = await openFleetRedis(options.redis, { reconnect: true });
    await subscriber.subscribe(benchChannel(options.prefix, options.queue));
    return new BenchResponder(options, subscriber, publisher);
  }

  private onMessage(message: CoordinatorMessage): void {
    switch (message.kind) {
      case 'call':
        void this.reply(message.run, { kind: 'here', worker: this.options.name });
        break;
      case 'plan': {
        const share: unknown = message.shares?.[this.options.name];
        if (looksLikeLoadSpec(share) && !this.shares.has(message.run)) this.runShare(message.run, share);
        break;
      }
      case 'go':
        this.shares.get(message.run)?.go();
        break;
      case 'stop':
        this.shares.get(message.run)?.stop();
        break;
    }
  }

  /** Resolves to how many coordinators heard it: 0 means this run's coordinator is gone. */
  private async reply(run: string, message: WorkerMessage): Promise<number> {
    const { prefix, queue } = this.options;
    return this.publisher.publish(replyChannel(prefix, queue, run), JSON.stringify(message)).catch(() => 0);
  }

  private runShare(run: string, share: LoadSpec): void {
    const worker = this.options.name;
    let go!: () => void;
    const started = new Promise<void>((resolve) => (go = resolve));
    const stopping = new AbortController();
    const stop = () => {
      stopping.abort();
      go();
    };
    // Its coordinator gone (nobody heard us), the share stops rather than load the target for nobody.
    const log = (line: string) => this.options.log?.(`rf worker ${worker}: bench run ${run}: ${line}`);
    let orphaned = false;
    const tell = (message: WorkerMessage) =>
      void this.reply(run, message).then((heard) => {
        if (heard > 0 || orphaned) return;
        orphaned = true;
        log('its coordinator is gone, stopping this share');
        stop();
      });
    const alive = setInterval(() => tell({ kind: 'alive', worker }), ALIVE_EVERY_MS);
    const finished = (async () => {
      try {
        const { encodeLoad, runLoadInProcess, runLoadInProcesses } = await import('../bench/coordinator.js');
        const control = {
          stop: stopping.signal,
          onSecond: (progress: LoopProgress) => tell({ kind: 'progress', worker, progress }),
          ready: async () => {
            tell({ kind: 'ready', worker });
            await started;
          },
        };
        const { processes } = this.options;
        log(`taking a share of ${share.connections} connections${share.requests === undefined ? '' : `, ${share.requests} requests`}`);
        const load = processes > 0 ? await runLoadInProcesses(share, processes, control) : await runLoadInProcess(share, control);
        await this.reply(run, { kind: 'done', worker, load: encodeLoad(load) });
        log(`done: ${load.perSecond.reduce((a, b) => a + b, 0)} requests in ${(load.durationMs / 1000).toFixed(2)} s`);
      } catch (error) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        log(`failed: ${reason}`);
        await this.reply(run, { kind: 'failed', worker, error: reason });
      } finally {
        clearInterval(alive);
        this.shares.delete(run);
      }
    })();
    this.shares.set(run, { go, stop, finished });
  }

  /** Stops the shares running here (each still reports what it ran), then closes its connections. */
  async close(): Promise<void> {
    const running = [...this.shares.values()];
    for (const share of running) share.stop();
    await Promise.all(running.map((share) => share.finished));
    await Promise.allSettled([this.subscriber.quit(), this.publisher.quit()]);
  }
}

/** A share as a coordinator sends it; anything else on the channel is not ours to run. */
function looksLikeLoadSpec(value: unknown): value is LoadSpec {
  if (typeof value !== 'object' || value === null) return false;
  const spec = value as Partial<LoadSpec>;
  return typeof spec.url === 'string' && typeof spec.connections === 'number' && typeof spec.timeoutSeconds === 'number';
}
