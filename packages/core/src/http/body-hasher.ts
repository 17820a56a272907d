/**
 * Where a streamed download's sha256 is computed: on the hasher thread from
 * the written batches (file-hasher.ts), or on this thread, chunk by chunk as
 * it arrives. The hasher thread is the default; RF_HASH_THREAD=0 keeps the
 * hash on this thread.
 *
 * Measured on this 2-core machine, interleaved, medians of 5, quiet (load
 * 3-4): in-process, 4 x 256 MiB -j 4 557 MiB/s on the hasher thread vs 468
 * inline, 64 x 4 MiB -j 16 540 vs 416 (the thread that parses HTTP used 330
 * ms of CPU instead of 500); rf download --processes 2: 4 x 256 MiB 460 vs
 * 427 MiB/s, 64 x 4 MiB 1.12 vs 1.07 s (each child starts its own thread).
 * The worker costs more CPU in all (it hashes batches after they are written,
 * out of the cache: 0.9 ms per MiB against 0.62 inline), so when other work
 * keeps both cores busy (load 12-17) inline was as fast or faster (1 GiB:
 * 4.0 s vs 5.1 s): with no idle core the extra CPU is what counts.
 */
import { createHash } from 'node:crypto';
import { FileHashJob, startHasherThread } from './file-hasher.js';
import type { ChunkHasher } from './no-follow.js';

export interface BodyHasher {
  /** Hashes a chunk as it arrives (this thread), when this hasher works that way. */
  readonly onChunk: ((chunk: Uint8Array) => void) | undefined;
  /** Given each batch once written (the hasher thread), when this hasher works that way. */
  readonly onWritten: ((chunks: Uint8Array[]) => void | Promise<void>) | undefined;
  /** Hashes the bytes already in a resumed part, before the body's. */
  readonly existing: ChunkHasher;
  digest(): Promise<string>;
  /** Stops hashing (the download failed). */
  cancel(): void;
}

/** Bytes given to the hasher thread and not yet hashed, at most, before the download waits for it. */
const HASH_BACKLOG_BYTES = 4 * 1024 * 1024;

/** Whether downloads are hashed on the hasher thread (unless RF_HASH_THREAD=0). */
export function hashesOffThread(): boolean {
  return process.env.RF_HASH_THREAD !== '0';
}

/** Starts the hasher thread ahead of the first download, when downloads are hashed there (file-hasher.ts). */
export function prestartBodyHasher(): void {
  if (hashesOffThread()) startHasherThread();
}

export function createBodyHasher(): BodyHasher {
  return hashesOffThread() ? offThread() : onThisThread();
}

function onThisThread(): BodyHasher {
  const hash = createHash('sha256');
  return {
    onChunk: (chunk) => hash.update(chunk),
    onWritten: undefined,
    existing: hash,
    digest: async () => hash.digest('hex'),
    cancel: () => undefined,
  };
}

function offThread(): BodyHasher {
  const job = new FileHashJob();
  return {
    onChunk: undefined,
    onWritten: (chunks) => {
      job.update(chunks);
      return job.caughtUp(HASH_BACKLOG_BYTES);
    },
    // A copy: update() takes its chunks over, and the part's reader still counts this one.
    existing: { update: (chunk) => job.update([new Uint8Array(chunk)]) },
    digest: () => job.digest(),
    cancel: () => job.cancel(),
  };
}
