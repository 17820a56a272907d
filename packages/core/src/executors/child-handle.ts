/**
 * One pool child as ProcessPoolExecutor sees it: a pid, messages in, control
 * messages out, an exit with its code or signal. Part of the tinypool seam
 * (child-pool.ts creates these); nothing outside the two reads a ChildProcess.
 *
 * Two things tinypool does are undone or worked around here, and why:
 * - Messages sent before the child's lane listens would be dropped (tinypool's
 *   listener in the child ignores what is not its own), so they wait here until
 *   the child says `ready`, then go out in order.
 * - tinypool unrefs each child, its IPC channel and its pipes, so an idle pool
 *   never keeps a script alive. The executor holds the event loop open while it
 *   has work (idleness.ts); `keepAlive()` re-refs a child whose exit must still
 *   be seen (a CLI awaiting shutdown would otherwise quit with exit code 13).
 */
import type { ChildProcess } from 'node:child_process';
import { frameRun, isChildMessage, isReportFrame, unframeReport, type ControlMessage, type ReportMessage } from '@requests-futures/worker';
import type { ChildExit } from './broken-process-pool.js';

/** What the executor hears from its children (each child's events, in the order they happen). */
export interface ChildListener {
  /** A child was started: by spawn(), or by tinypool replacing one that died (before that one's onExit). */
  onChild(child: ChildHandle): void;
  /** Any message from the child, `ready` included (already acted on: what waited has been sent). */
  onMessage(child: ChildHandle, message: unknown): void;
  onExit(child: ChildHandle, exit: ChildExit): void;
}

export class ChildHandle {
  readonly pid: number;
  /** Set when it exited. */
  exit: ChildExit | undefined;
  /** Resolves when it exited. */
  readonly exited: Promise<void>;
  /** Resolves when its IPC channel has closed: every message it sent has been delivered. */
  readonly drained: Promise<void>;
  private listening = false;
  private waiting: Array<[ControlMessage, (error: unknown) => void]> = [];
  private markExited!: () => void;

  constructor(
    private readonly process: ChildProcess,
    pid: number,
  ) {
    this.pid = pid;
    this.exited = new Promise<void>((resolve) => (this.markExited = resolve));
    this.drained = process.connected ? new Promise<void>((resolve) => process.once('disconnect', () => resolve())) : Promise.resolve();
  }

  /** Its lane listens: messages go out at once. */
  get ready(): boolean {
    return this.listening;
  }

  /** Not known to have exited (read from the process itself: set before its 'exit' event is heard). */
  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /**
   * Sends now, or once the child is ready. `onFailure` gets a write error (the
   * channel closing, or a message that cannot be serialized); a child already
   * gone is not written to: its exit settles what it held.
   */
  send(message: ControlMessage, onFailure: (error: unknown) => void): void {
    if (this.listening) this.write(message, onFailure);
    else this.waiting.push([message, onFailure]);
  }

  /** Signals it unless it already exited. */
  kill(signal: NodeJS.Signals): void {
    if (this.exit === undefined) this.process.kill(signal);
  }

  /** Undoes tinypool's unref (see above). */
  keepAlive(): void {
    this.process.ref();
  }

  /** Starts hearing it; called once its listener knows of it (an exit that already happened is reported now). */
  watch(listener: ChildListener): void {
    this.process.on('message', (received: unknown) => {
      let message = received;
      if (isChildMessage(received)) {
        if (received.__rf === 'ready') this.markReady();
        else if (received.__rf === 'report') {
          message = this.readReport(received);
          if (message === undefined) return;
        }
      }
      listener.onMessage(this, message);
    });
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      this.exit = { pid: this.pid, code, signal };
      this.markExited();
      listener.onExit(this, this.exit);
    };
    if (!this.alive) onExit(this.process.exitCode, this.process.signalCode);
    else this.process.once('exit', onExit);
  }

  /**
   * A report as the executor reads it, or undefined for one that is not a
   * well-formed frame: a task's own process.send() dressed as ours, or a
   * child gone wrong. Its tasks' state can no longer be trusted, so the child
   * is killed (its started tasks fail with BrokenProcessPool, the pool
   * replaces it) rather than the coordinator throwing in this listener.
   */
  private readReport(received: { readonly __rf: string }): ReportMessage | undefined {
    let problem: string;
    try {
      if (isReportFrame(received)) return unframeReport(received);
      problem = 'not a report frame';
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    process.emitWarning(`requests-futures: pool child pid ${this.pid} sent a malformed report (${problem}); it was killed`, 'BrokenProcessPoolWarning');
    this.kill('SIGKILL');
    return undefined;
  }

  private markReady(): void {
    if (this.listening) return;
    this.listening = true;
    const waiting = this.waiting;
    this.waiting = [];
    for (const [message, onFailure] of waiting) this.write(message, onFailure);
  }

  private write(message: ControlMessage, onFailure: (error: unknown) => void): void {
    if (!this.process.connected) return;
    try {
      // The callback keeps a failed write from becoming an 'error' event, which tinypool would
      // treat as the child's death; a write error is the channel closing, and the exit follows.
      // A run crosses as a frame (the worker's lane-frames.ts says why).
      this.process.send(message.__rf === 'run' ? frameRun(message) : message, undefined, undefined, (error) => {
        if (error) onFailure(error);
      });
    } catch (error) {
      onFailure(error);
    }
  }
}
