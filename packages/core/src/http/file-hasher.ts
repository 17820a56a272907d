/**
 * sha256 of a download, computed on a worker thread (one per process) from
 * the same buffers that were written to the file, so hashing no longer shares
 * the thread that parses HTTP and overlaps the network and the disk.
 *
 * Measured before this module (rf download, 64 x 4 MiB, -j 16, --cpu-prof):
 * `Hash.update` was 15-19 % of the CPU of the thread that parses the
 * responses, the largest single item.
 *
 * The buffers are moved to the worker, not copied: once a batch is on disk
 * its chunks are no longer needed here, and a chunk that owns its whole
 * ArrayBuffer (node's HTTP parser copies every body chunk into one of its
 * own) is transferred. A chunk that is a view into a larger buffer is copied
 * first, since moving that buffer would take bytes others may still read.
 * Reading the file back instead cost a copy per byte: 256 MiB written to
 * tmpfs, 150 ms of CPU to hash on the main thread, 240 ms to read back and
 * hash on a worker.
 *
 * libuv's pool offers no incremental hash without native code (WebCrypto's
 * digest is one-shot), hence a worker thread.
 */
import { Worker } from 'node:worker_threads';

/**
 * The hasher thread frees the chunks it has hashed after this many bytes.
 * Measured (rf download, 64 x 4 MiB -j 16, in-process, peak RSS of 3 runs
 * each): 179-197 MiB without, 127-139 MiB every 2 MiB, 130-180 every 8 MiB,
 * 132-160 every 4 MiB; each young collection of this small heap costs the
 * worker 0.1-1 ms, so 4 MiB adds at most ~5 % to its 0.9 ms of CPU per MiB.
 */
const COLLECT_EVERY_BYTES = 4 * 1024 * 1024;

/**
 * What the worker thread runs, as source text: a function's toString() would
 * carry whatever a bundler made of it (esbuild turns `require` into its own
 * `__require` shim, which does not exist in an eval'd worker).
 */
const HASHER_THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const jobs = new Map();
const collectYoung = youngCollector();
let hashedSinceCollect = 0;
parentPort.on('message', (message) => {
  const { id, op } = message;
  if (op === 'cancel') {
    jobs.delete(id);
    return;
  }
  let hash = jobs.get(id);
  if (!hash) jobs.set(id, (hash = createHash('sha256')));
  if (op === 'update') {
    let bytes = 0;
    for (const chunk of message.chunks) {
      hash.update(chunk);
      bytes += chunk.byteLength;
    }
    hashedSinceCollect += bytes;
    if (collectYoung && hashedSinceCollect >= ${COLLECT_EVERY_BYTES}) {
      hashedSinceCollect = 0;
      collectYoung();
    }
    parentPort.postMessage({ id, hashed: bytes });
    return;
  }
  jobs.delete(id);
  parentPort.postMessage({ id, digest: hash.digest('hex') });
});
// This thread allocates almost nothing on its heap, so V8 collects the
// chunks moved here only under its external-memory limit (64 MiB); a young
// collection every few MiB frees them as they are hashed. Without gc (the
// flag refused), the thread hashes as before.
function youngCollector() {
  try {
    require('node:v8').setFlagsFromString('--expose-gc');
    const gc = require('node:vm').runInNewContext('gc');
    return typeof gc === 'function' ? () => gc({ type: 'minor' }) : undefined;
  } catch {
    return undefined;
  }
}
`;

interface Reply {
  id: number;
  hashed?: number;
  digest?: string;
}

export class FileHashError extends Error {
  override name = 'FileHashError';
}

/** A job's side of the thread: told of hashed bytes and of its digest, or that the thread died. */
interface JobListener {
  hashed(bytes: number): void;
  digest(hex: string): void;
  failed(error: Error): void;
}

/**
 * How long the hasher thread may sit without a job before it ends (the next
 * job starts another). An idle thread holds 10-16 MiB: rf download of 5,000 x
 * 4 KiB, whose bodies are all hashed on the main thread (small-body.ts), peaked
 * at 99 MiB with the thread started ahead of time and 83 MiB without it.
 */
export const HASHER_IDLE_RETIRE_MS = 1_000;

/**
 * One worker thread per process, started with the first job (or ahead of it);
 * it keeps the process alive only while jobs run, and ends once idle for
 * `idleRetireMs`.
 */
export class HasherThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly jobs = new Map<number, JobListener>();
  private retireTimer: NodeJS.Timeout | undefined;

  constructor(private readonly idleRetireMs = HASHER_IDLE_RETIRE_MS) {}

  start(): Worker {
    if (this.worker) return this.worker;
    this.worker = this.spawn();
    this.retireWhenIdle();
    return this.worker;
  }

  open(listener: JobListener): number {
    const id = this.nextId++;
    const worker = this.start();
    if (this.jobs.size === 0) worker.ref();
    clearTimeout(this.retireTimer);
    this.jobs.set(id, listener);
    return id;
  }

  post(id: number, op: 'update' | 'digest' | 'cancel', chunks?: Uint8Array[]): void {
    if (!this.jobs.has(id)) return;
    if (op === 'cancel') this.close(id);
    const transfer = chunks?.map((chunk) => chunk.buffer as ArrayBuffer);
    this.worker!.postMessage({ id, op, chunks }, transfer);
  }

  private close(id: number): void {
    this.jobs.delete(id);
    if (this.jobs.size > 0) return;
    this.worker?.unref();
    this.retireWhenIdle();
  }

  private retireWhenIdle(): void {
    clearTimeout(this.retireTimer);
    this.retireTimer = setTimeout(() => {
      const worker = this.worker;
      if (!worker || this.jobs.size > 0) return;
      // Forgotten first, so that its exit is not taken for a failure (spawn's `fail`).
      this.worker = undefined;
      void worker.terminate();
    }, this.idleRetireMs);
    this.retireTimer.unref();
  }

  private spawn(): Worker {
    const worker = new Worker(HASHER_THREAD_SOURCE, { eval: true });
    worker.on('message', (reply: Reply) => {
      const job = this.jobs.get(reply.id);
      if (!job) return;
      if (reply.digest === undefined) {
        job.hashed(reply.hashed!);
        return;
      }
      this.close(reply.id);
      job.digest(reply.digest);
    });
    const fail = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const jobs = [...this.jobs.values()];
      this.jobs.clear();
      for (const job of jobs) job.failed(new FileHashError(`the sha256 worker thread stopped: ${error.message}`));
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
    return worker;
  }
}

let thread: HasherThread | undefined;

/**
 * Starts the hasher thread now rather than with the first download, which
 * would otherwise wait for its start-up: one 4 MiB download's transfer took
 * 134-196 ms with the thread started on demand, 97-114 ms hashing inline.
 * Unreferenced until a job runs, so it never keeps the process alive.
 */
export function startHasherThread(): void {
  (thread ??= new HasherThread()).start();
}

/** A chunk that may be moved to the worker: it owns its whole ArrayBuffer (a copy otherwise). */
function movable(chunk: Uint8Array): Uint8Array {
  const whole = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer;
  return whole ? chunk : new Uint8Array(chunk);
}

/**
 * The sha256 of a download's bytes, in order, hashed off this thread.
 * `update` takes the chunks over (they are detached here afterwards);
 * `caughtUp` resolves once at most `backlogBytes` wait to be hashed, so a
 * starved worker slows the download instead of queueing its bytes in memory.
 */
export class FileHashJob {
  private readonly thread: HasherThread;
  private readonly id: number;
  private backlog = 0;
  private failure: Error | undefined;
  private result: { resolve(hex: string): void; reject(error: Error): void } | undefined;
  private waiter: { limit: number; resolve(): void; reject(error: Error): void } | undefined;

  /** `on`: the process's one hasher thread unless another is given (tests). */
  constructor(on: HasherThread = (thread ??= new HasherThread())) {
    this.thread = on;
    this.id = this.thread.open({
      hashed: (bytes) => {
        this.backlog -= bytes;
        if (this.waiter && this.backlog <= this.waiter.limit) {
          this.waiter.resolve();
          this.waiter = undefined;
        }
      },
      digest: (hex) => this.result?.resolve(hex),
      failed: (error) => {
        this.failure = error;
        this.result?.reject(error);
        this.waiter?.reject(error);
        this.waiter = undefined;
      },
    });
  }

  /** Hashes `chunks` next; they belong to the worker from now on. */
  update(chunks: readonly Uint8Array[]): void {
    if (this.failure) return;
    const moved = chunks.map(movable);
    for (const chunk of moved) this.backlog += chunk.byteLength;
    this.thread.post(this.id, 'update', moved);
  }

  /** Resolves once no more than `backlogBytes` are waiting to be hashed. */
  caughtUp(backlogBytes: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.backlog <= backlogBytes) return Promise.resolve();
    return new Promise<void>((resolve, reject) => (this.waiter = { limit: backlogBytes, resolve, reject }));
  }

  /** The sha256 (hex) of every chunk given. */
  digest(): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<string>((resolve, reject) => {
      this.result = { resolve, reject };
      this.thread.post(this.id, 'digest');
    });
  }

  /** Stops hashing (the download failed). */
  cancel(): void {
    this.thread.post(this.id, 'cancel');
  }
}
