/**
 * A start line for the load processes, so they share one measurement window:
 * each child connects here once its client is ready, and when all have, the
 * coordinator releases them at once. Child start-up (hundreds of ms, unequal
 * between children) then never counts as load time, and no child runs alone
 * at the start or the end of the run.
 *
 * The connection stays open for the run and doubles as the stop line: when
 * the coordinator closes it (a failure elsewhere, an early end), the child
 * stops starting requests and returns what it has, instead of holding the
 * shutdown up for the rest of its -d.
 *
 * Children also report their progress on it, one JSON line a second with
 * their latency histogram so far; the coordinator adds a second up once every
 * child reported it, the p99 from the merged histograms. Nothing per request
 * crosses: a line a second per child, a few kB.
 *
 * A loopback TCP socket because the process pool's own channel only carries
 * child → coordinator messages to a running task. Children time themselves
 * from the moment the signal arrives (the signals reach them within tens of
 * microseconds of each other, no clocks compared across processes).
 */
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { LoadStartError } from './errors.js';
import { LatencyRecorder, progressP99Ms, type EncodedLatency } from './histogram.js';
import type { LoopProgress } from './load-loop.js';

const HOST = '127.0.0.1';
const GO = 'g';

/** The coordinator's end. */
export class StartBarrier {
  private readonly waiting: Socket[] = [];
  private readonly arrivals = new Set<() => void>();
  private stopped = false;
  /** Per second of the run, the children's reports so far. */
  private readonly seconds: ProgressLine[][] = [];

  private constructor(
    private readonly server: Server,
    readonly parties: number,
    readonly port: number,
    private readonly onProgress?: (progress: LoopProgress) => void,
  ) {
    server.on('connection', (socket) => {
      // A child that dies closes its socket; its task's failure reports it.
      socket.on('error', () => {});
      // Too late: the run was stopped before this child was ready; it gives up at once rather than wait for a start.
      if (this.stopped) {
        socket.destroy();
        return;
      }
      this.waiting.push(socket);
      this.readProgress(socket);
      for (const arrived of this.arrivals) arrived();
    });
  }

  static async open(parties: number, onProgress?: (progress: LoopProgress) => void): Promise<StartBarrier> {
    const server = createServer();
    server.listen(0, HOST);
    await once(server, 'listening');
    return new StartBarrier(server, parties, (server.address() as AddressInfo).port, onProgress);
  }

  private readProgress(socket: Socket): void {
    let buffered = '';
    let reported = 0;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      for (let end = buffered.indexOf('\n'); end !== -1; end = buffered.indexOf('\n')) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        const second = (this.seconds[reported] ??= []);
        reported += 1;
        second.push(JSON.parse(line) as ProgressLine);
        if (second.length === this.parties) this.onProgress?.(addProgress(second));
      }
    });
  }

  /** Resolves once `parties` children are waiting; rejects with LoadStartError after `timeoutMs`. */
  allReady(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (this.waiting.length < this.parties) return;
        clearTimeout(timer);
        this.arrivals.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.arrivals.delete(check);
        reject(new LoadStartError(`only ${this.waiting.length} of ${this.parties} load processes were ready after ${timeoutMs} ms`));
      }, timeoutMs);
      this.arrivals.add(check);
      check();
    });
  }

  /** Starts every waiting child. */
  release(): void {
    for (const socket of this.waiting) socket.write(GO);
  }

  /** Hangs up on every child: those still waiting give up, running ones stop starting requests, later ones are turned away. */
  stop(): void {
    this.stopped = true;
    for (const socket of this.waiting) socket.destroy();
  }

  /** Stops the children and closes the line. */
  async close(): Promise<void> {
    this.stop();
    this.server.close();
    await once(this.server, 'close');
  }
}

/** What a child sends each second: its progress, and its latency histogram so far when it has one. */
interface ProgressLine {
  progress: LoopProgress;
  latency?: EncodedLatency;
}

/**
 * The whole load's second from every child's: counts add up; the p99 is that
 * of the children's histograms merged, as one process would have measured it
 * (the worst child's, an upper bound, when a child sent none).
 */
export function addProgress(parts: ProgressLine[]): LoopProgress {
  const progress = parts.map((p) => p.progress);
  const latencies = parts.flatMap((p) => (p.latency ? [LatencyRecorder.decode(p.latency)] : []));
  return {
    elapsedMs: Math.max(...progress.map((p) => p.elapsedMs)),
    requests: progress.reduce((total, p) => total + p.requests, 0),
    lastSecond: progress.reduce((total, p) => total + p.lastSecond, 0),
    errors: progress.reduce((total, p) => total + p.errors, 0),
    p99Ms: latencies.length === parts.length ? progressP99Ms(LatencyRecorder.merge(latencies)) : Math.max(...progress.map((p) => p.p99Ms)),
  };
}

/** A child's place on the line once the run started. */
export interface StartedRun {
  /** Sends a second's progress to the coordinator, with the latency recorded so far. */
  report(progress: LoopProgress, latency?: EncodedLatency): void;
  /** Aborted when the coordinator closes the line before this child left it. */
  readonly stop: AbortSignal;
  /** Hang up (the run is over); `stop` does not fire after this. */
  leave(): void;
}

/** The child's end: resolves when the coordinator says go; rejects if it goes away first. */
export function waitForStartSignal(port: number): Promise<StartedRun> {
  return new Promise<StartedRun>((resolve, reject) => {
    const stop = new AbortController();
    let started = false;
    let left = false;
    const socket = connect(port, HOST);
    socket.setNoDelay(true);
    socket.once('data', () => {
      started = true;
      resolve({
        stop: stop.signal,
        report: (progress, latency) => {
          const line: ProgressLine = latency ? { progress, latency } : { progress };
          if (!left) socket.write(`${JSON.stringify(line)}\n`);
        },
        leave: () => {
          left = true;
          socket.destroy();
        },
      });
    });
    socket.once('error', (error) => {
      if (!started) reject(new LoadStartError(`cannot reach the coordinator's start line on port ${port}: ${error.message}`));
    });
    socket.once('close', () => {
      if (!started) reject(new LoadStartError('the coordinator closed the start line before the start signal'));
      else if (!left) stop.abort(new LoadStartError('the coordinator closed the start line during the run'));
    });
  });
}
