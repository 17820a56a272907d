/**
 * What request and task diagnostics share: five channels (start, queued,
 * running, done, error), one mutable record per traced unit published on each
 * as its life goes on, and times as epoch milliseconds with sub-millisecond
 * fractions. Nothing is built while no channel of a family has a subscriber.
 */
import diagnosticsChannel, { type Channel } from 'node:diagnostics_channel';
import { addDoneWaiter, addRunningWaiter, type Future } from '../futures/future.js';

export type LifecycleName = 'start' | 'queued' | 'running' | 'done' | 'error';

/** The timing and outcome fields both record kinds carry. */
export interface LifecycleRecord {
  readonly startTime: number;
  queuedTime?: number;
  runningTime?: number;
  endTime?: number;
  /** Set on `error`: the exception (a CancelledError when cancelled). */
  error?: unknown;
  /** Set at the end. */
  outcome?: 'done' | 'error' | 'cancelled';
}

export const now = (): number => performance.timeOrigin + performance.now();

export class LifecycleChannels<R extends LifecycleRecord> {
  private readonly channels: Record<LifecycleName, Channel>;

  constructor(names: Readonly<Record<LifecycleName, string>>) {
    this.channels = {
      start: diagnosticsChannel.channel(names.start),
      queued: diagnosticsChannel.channel(names.queued),
      running: diagnosticsChannel.channel(names.running),
      done: diagnosticsChannel.channel(names.done),
      error: diagnosticsChannel.channel(names.error),
    };
  }

  get listened(): boolean {
    const { start, queued, running, done, error } = this.channels;
    return start.hasSubscribers || queued.hasSubscribers || running.hasSubscribers || done.hasSubscribers || error.hasSubscribers;
  }

  start(record: R): void {
    this.channels.start.publish(record);
  }

  queued(record: R): void {
    record.queuedTime = now();
    this.channels.queued.publish(record);
  }

  running(record: R): void {
    record.runningTime = now();
    this.channels.running.publish(record);
  }

  /** `running` once the future starts (never, if it is cancelled first). */
  runningWith(record: R, future: Future<unknown>): void {
    addRunningWaiter(future, () => this.running(record));
  }

  /** The end is timed when the future settles; its value or error is read a microtask later (result() is a promise). */
  endsWith(record: R, future: Future<unknown>, onValue?: (value: unknown) => void): void {
    addDoneWaiter(future, () => {
      record.endTime = now();
      this.publishEnd(record, future.result(), () => future.cancelled(), onValue);
    });
  }

  /** The same for a plain promise (the plain Session's requests), timed when it settles. */
  endsWithPromise(record: R, promise: Promise<unknown>, onValue?: (value: unknown) => void): void {
    const timed = promise.finally(() => {
      record.endTime = now();
    });
    this.publishEnd(record, timed, () => false, onValue);
  }

  private publishEnd(record: R, outcome: Promise<unknown>, cancelled: () => boolean, onValue: ((value: unknown) => void) | undefined): void {
    outcome.then(
      (value) => {
        record.outcome = 'done';
        onValue?.(value);
        this.channels.done.publish(record);
      },
      (error: unknown) => {
        record.outcome = cancelled() ? 'cancelled' : 'error';
        record.error = error;
        this.channels.error.publish(record);
      },
    );
  }
}
