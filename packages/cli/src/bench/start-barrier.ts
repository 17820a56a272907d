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
 * A loopback TCP socket because the process pool's own channel only carries
 * child → coordinator messages to a running task. Children time themselves
 * from the moment the signal arrives (the signals reach them within tens of
 * microseconds of each other, no clocks compared across processes).
 */
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { LoadStartError } from './errors.js';

const HOST = '127.0.0.1';
const GO = 'g';

/** The coordinator's end. */
export class StartBarrier {
  private readonly waiting: Socket[] = [];
  private readonly arrivals = new Set<() => void>();

  private constructor(
    private readonly server: Server,
    readonly parties: number,
    readonly port: number,
  ) {
    server.on('connection', (socket) => {
      // A child that dies closes its socket; its task's failure reports it.
      socket.on('error', () => {});
      this.waiting.push(socket);
      for (const arrived of this.arrivals) arrived();
    });
  }

  static async open(parties: number): Promise<StartBarrier> {
    const server = createServer();
    server.listen(0, HOST);
    await once(server, 'listening');
    return new StartBarrier(server, parties, (server.address() as AddressInfo).port);
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

  /** Closes the line: children still waiting give up, running ones stop starting requests. */
  async close(): Promise<void> {
    for (const socket of this.waiting) socket.destroy();
    this.server.close();
    await once(this.server, 'close');
  }
}

/** A child's place on the line once the run started. */
export interface StartedRun {
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
