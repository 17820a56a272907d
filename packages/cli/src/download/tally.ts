/**
 * The running totals of one download run: counters only, plus the first few
 * failures for the summary (the manifest has all of them), so memory does not
 * grow with the length of the list.
 */
import { performance } from 'node:perf_hooks';

/** Failures kept in memory to print at the end; the rest are only counted. */
export const LISTED_FAILURES = 20;

export interface DownloadOutcome {
  url: string;
  /** The 1-based line of the URL list. */
  line: number;
  path: string | null;
  ok: boolean;
  status: number | null;
  /** The file's size (0 for a failure). */
  bytes: number;
  /** Body bytes fetched by this run: 0 for a kept file, the remainder for a continued part. */
  transferred: number;
  error: string | null;
  /** Already complete on disk from an earlier run (--resume): not fetched. */
  kept?: boolean;
}

export interface ListedFailure {
  url: string;
  line: number;
  error: string;
}

export class DownloadTally {
  /** URLs read from the list so far (a lower bound of the total until `inputDone`). */
  queued = 0;
  ok = 0;
  /** Of `ok`: files kept from an earlier run (--resume). */
  kept = 0;
  failed = 0;
  /** List lines refused before any download (bad URL, escaping path). */
  badLines = 0;
  /** Body bytes fetched by this run: what the rate is computed on. */
  bytes = 0;
  /** The size of the files kept from an earlier run (--resume): on disk, not transferred. */
  keptBytes = 0;
  inputDone = false;
  /** False with --no-checksum: the summary says nothing was hashed. */
  checksums = true;
  /** Downloads the list holds, when counted ahead (a file, not stdin); null until known. */
  expectedTotal: number | null = null;
  readonly failures: ListedFailure[] = [];
  private readonly startedAt = performance.now();
  private endedAt: number | null = null;

  get done(): number {
    return this.ok + this.failed;
  }

  get elapsedMs(): number {
    return (this.endedAt ?? performance.now()) - this.startedAt;
  }

  /** Everything asked for arrived: no failure and no refused line. */
  get allOk(): boolean {
    return this.failed === 0 && this.badLines === 0;
  }

  get unlistedFailures(): number {
    return this.failed - this.failures.length;
  }

  recordQueued(): void {
    this.queued += 1;
  }

  recordBadLine(): void {
    this.badLines += 1;
  }

  recordOutcome(outcome: DownloadOutcome): void {
    this.bytes += outcome.transferred;
    if (outcome.ok) {
      this.ok += 1;
      if (outcome.kept) {
        this.kept += 1;
        this.keptBytes += outcome.bytes;
      }
      return;
    }
    this.failed += 1;
    if (this.failures.length < LISTED_FAILURES) {
      this.failures.push({ url: outcome.url, line: outcome.line, error: outcome.error ?? 'failed' });
    }
  }

  /** The number of downloads in all, or null while unknown. */
  get total(): number | null {
    return this.inputDone ? this.queued : this.expectedTotal;
  }

  /** Remaining time from the average so far; null while the total is unknown or nothing finished. */
  etaMs(): number | null {
    const total = this.total;
    if (total === null || this.done === 0) return null;
    return (this.elapsedMs / this.done) * Math.max(0, total - this.done);
  }

  finish(): void {
    this.endedAt ??= performance.now();
  }
}
