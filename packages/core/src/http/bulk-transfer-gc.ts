/**
 * V8's heap policy while large bodies stream to disk in this process.
 *
 * Node 20's HTTP parser copies every body chunk into a buffer of its own
 * (64 KiB, outside V8's heap). V8 counts that memory towards starting a
 * full mark-compact collection, against a limit it derives from the live
 * heap after the previous one: with the engine loaded the live heap is
 * ~11 MB, the limit comes out at 24-48 MB, and a few tens of MiB of chunks
 * in flight start another full collection almost at once. Measured
 * (`rf download` of 4 x 256 MiB, `--trace-gc`, loaded 2-core machine):
 * 36-54 mark-compacts per GiB and 1.85-2.4 s of user CPU with
 * `--no-checksum`, against 1-2 and 0.9-1.05 s with a growing factor of 5
 * (wall 7.7-12.7 -> 3.2-4.4 s at load 21). A bare `http.get` piped to a
 * file, whose live heap is 4 MB, does none.
 *
 * Chunks moved to the hasher thread count too: a transferred buffer leaves
 * V8's count only when the collector sweeps it. With checksums (same runs,
 * load 3-4): 4 x 256 MiB 2.6-2.9 -> 1.7-2.1 s user CPU, wall 2.0-3.5 ->
 * 1.6-2.1 s; 64 x 4 MiB 1.15-1.5 -> 0.9-1.05 s user, wall 1.2-2.7 -> 0.8-2.0
 * s; peak RSS +7-10 MiB (138-145 -> 145-158).
 *
 * The factor applies only while a streamed download runs: it would also let a
 * long list of small files grow the heap five times its live size before
 * collecting (20,000 small files: peak RSS 137 -> 170 MiB), and those bodies
 * never take this path (small-body.ts). V8 reads the flag each time it
 * computes a limit, after a full collection, so it can change at run time.
 * A `--heap-growing-percent` given to node by the user is left alone.
 *
 * Between transfers the factor is V8's own, unless a caller that knows its
 * process asks for a lean heap (`rf download`: a long list of small files
 * keeps ~25-35 MB live, and V8's default factor let old space grow well past
 * it). Measured with --heap-growing-percent=25 (loaded 2-core machine):
 * 20,000 small files peak RSS 157 -> 122 MiB, 5,000 x 4 KiB 133-137 -> 117
 * MiB, full collections 3-4 -> 6 and 11 -> 22, user CPU within noise.
 */
import { setFlagsFromString } from 'node:v8';

/** V8's heap growing factor is 1 + this / 100 while a bulk transfer runs. */
export const BULK_HEAP_GROWING_PERCENT = 400;
/** The factor between transfers for a process that asked for a lean heap. */
export const LEAN_HEAP_GROWING_PERCENT = 25;
/** 0 is V8's default: its own heuristics choose the factor. */
const V8_DEFAULT = 0;

type SetFlags = (flags: string) => void;

export class BulkTransferGc {
  private holders = 0;
  private resting = V8_DEFAULT;

  constructor(
    private readonly setFlags: SetFlags = setFlagsFromString,
    private readonly enabled = !process.execArgv.some((flag) => flag.startsWith('--heap-growing-percent')),
  ) {}

  /** Raises the growing factor until every hold taken is released; the release is idempotent. */
  hold(): () => void {
    if (!this.enabled) return () => undefined;
    if (this.holders++ === 0) this.apply(BULK_HEAP_GROWING_PERCENT);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holders === 0) this.apply(this.resting);
    };
  }

  /** From now on, between transfers, collect once the heap grew by a quarter (LEAN_HEAP_GROWING_PERCENT). */
  preferLeanHeap(): void {
    if (!this.enabled) return;
    this.resting = LEAN_HEAP_GROWING_PERCENT;
    if (this.holders === 0) this.apply(this.resting);
  }

  get active(): boolean {
    return this.holders > 0;
  }

  private apply(percent: number): void {
    this.setFlags(`--heap-growing-percent=${percent}`);
  }
}

/** The process's one policy: V8's flags are per process. */
export const bulkTransferGc = new BulkTransferGc();
