/**
 * What `rf bench --redis` and the rf workers say to each other, on two Redis
 * pub/sub channels: the queue's bench channel, which every rf worker of the
 * queue listens to, and one reply channel per run, which only its coordinator
 * listens to.
 *
 *   coordinator ── call ──────────▶ every worker      PUBLISH answers how many listen: that many must answer
 *               ◀─ here ──────────  each worker
 *               ── plan ──────────▶ (a share of the load per worker, by name)
 *               ◀─ ready ─────────  once its load client(s) are open
 *               ── go ────────────▶ all at once: the common start line
 *               ◀─ progress, alive  every second (silence means a lost worker)
 *               ◀─ done | failed    its load, histograms encoded
 *               ── stop ──────────▶ (a failure elsewhere, or an early end)
 *
 * Pub/sub, not queue jobs: BullMQ cannot address a job to a given worker, and
 * the load must start on every connected worker, once each. Nothing is kept
 * in Redis: a run leaves no key behind.
 */
import type { EncodedLoad } from './coordinator.js';
import type { LoadSpec } from './load-spec.js';
import type { LoopProgress } from './load-loop.js';

/** Every rf worker of `queue` listens here. */
export function benchChannel(prefix: string, queue: string): string {
  return `${prefix}:${queue}:rf-bench`;
}

/** Only the coordinator of `run` listens here. */
export function replyChannel(prefix: string, queue: string, run: string): string {
  return `${benchChannel(prefix, queue)}:${run}`;
}

export type CoordinatorMessage =
  | { kind: 'call'; run: string }
  | { kind: 'plan'; run: string; shares: Record<string, LoadSpec> }
  | { kind: 'go'; run: string }
  | { kind: 'stop'; run: string };

export type WorkerMessage =
  | { kind: 'here'; worker: string }
  | { kind: 'ready'; worker: string }
  | { kind: 'alive'; worker: string }
  | { kind: 'progress'; worker: string; progress: LoopProgress }
  | { kind: 'done'; worker: string; load: EncodedLoad }
  | { kind: 'failed'; worker: string; error: string };

/** A worker sends `alive` this often while it has a share; silence for SILENCE_MS means it is lost. */
export const ALIVE_EVERY_MS = 1000;
export const SILENCE_MS = 10_000;

/** A message of the expected side, or undefined for anything else (foreign publishers are ignored, never trusted). */
export function parseMessage<M extends { kind: string }>(text: string, kinds: ReadonlyArray<M['kind']>): M | undefined {
  try {
    const message = JSON.parse(text) as M;
    return typeof message === 'object' && message !== null && kinds.includes(message.kind) ? message : undefined;
  } catch {
    return undefined;
  }
}

export const COORDINATOR_KINDS: ReadonlyArray<CoordinatorMessage['kind']> = ['call', 'plan', 'go', 'stop'];
export const WORKER_KINDS: ReadonlyArray<WorkerMessage['kind']> = ['here', 'ready', 'alive', 'progress', 'done', 'failed'];
