/**
 * Where a streamed download's sha256 is computed: on this thread, chunk by
 * chunk as it arrives, or on the hasher thread from the written batches
 * (file-hasher.ts). Which is faster depends on the cores.
 *
 * Measured on 2 cores (4 x 256 MiB, -j 4, in-process, 7 interleaved runs,
 * medians, CPU of the whole process): hashing each chunk on arrival, while it
 * is still in the cache, cost 0.63 ms of CPU per MiB; hashing the batches
 * after they were written cost 1.07 ms per MiB on this thread and 1.10 on
 * the worker (cold data, plus moving it). The worker takes 0.6 ms per MiB off
 * the thread that parses HTTP, but on 2 cores (with the server, the pool's
 * disk writes and the parsing thread all busy) nothing is idle to run it, and
 * the extra CPU made the download slower (1 GiB: 4.0 s inline vs 5.1 s on the
 * worker). With more cores than 2 the worker runs beside the parsing thread.
 * RF_HASH_THREAD=1 or 0 overrides the choice.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { FileHashJob } from './file-hasher.js';
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

/** Whether downloads are hashed on the hasher thread (more than 2 cores, unless RF_HASH_THREAD says otherwise). */
export function hashesOffThread(): boolean {
  const forced = process.env.RF_HASH_THREAD;
  if (forced === '1' || forced === '0') return forced === '1';
  return availableParallelism() > 2;
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
