/**
 * What the user sees while `rf download` runs: a live bar on a terminal, one
 * plain line per finished file otherwise (logs, CI, pipes), where a redrawn
 * bar would be noise. Both read the same tally; the summary comes after.
 */
import cliProgress from 'cli-progress';
import { writeLine, type CliIo } from '../io.js';
import { formatBytes, formatDuration, megabytesPerSecond } from '../util/format.js';
import type { BadLine } from './input.js';
import type { DownloadOutcome, DownloadTally } from './tally.js';

export interface ProgressReporter {
  /** A URL was read from the list (the total so far grew). */
  queued(): void;
  completed(outcome: DownloadOutcome): void;
  badLine(bad: BadLine): void;
  /** The total became known (counted ahead, or the list is fully read). */
  totalKnown(): void;
  stop(): void;
}

/** "300" once the total is known, "37+" (read so far) before. */
function totalText(tally: DownloadTally): string {
  return tally.total === null ? `${tally.queued}+` : String(tally.total);
}

export function describeBadLine(bad: BadLine): string {
  return `line ${bad.lineNumber}: ${bad.reason}; skipped`;
}

/** One line per file: greppable, and never interleaves with a redraw. */
export class LogProgress implements ProgressReporter {
  constructor(
    private readonly tally: DownloadTally,
    private readonly io: CliIo,
  ) {}

  queued(): void {}

  completed(outcome: DownloadOutcome): void {
    const counter = `[${this.tally.done}/${totalText(this.tally)}]`;
    if (outcome.kept) {
      writeLine(this.io.stdout, `${counter} kept ${formatBytes(outcome.bytes)}  ${outcome.path}`);
    } else if (outcome.ok) {
      writeLine(this.io.stdout, `${counter} ok ${outcome.status} ${formatBytes(outcome.bytes)}  ${outcome.path}`);
    } else {
      writeLine(this.io.stdout, `${counter} FAILED ${outcome.url}  ${outcome.error}`);
    }
  }

  badLine(bad: BadLine): void {
    writeLine(this.io.stderr, describeBadLine(bad));
  }

  totalKnown(): void {}

  stop(): void {}
}

/** A cli-progress bar on stderr: files done / total so far, bytes, rate, and an ETA once the total is known. */
export class BarProgress implements ProgressReporter {
  private readonly bar: cliProgress.SingleBar;

  constructor(
    private readonly tally: DownloadTally,
    private readonly io: CliIo,
  ) {
    this.bar = new cliProgress.SingleBar(
      {
        format: ' {bar} {value}/{totalText} files | {bytesText} | {rateText} | ETA {etaText}',
        stream: io.stderr,
        hideCursor: true,
        // 0 of 0 files is an empty bar, not a full one.
        emptyOnZero: true,
        barsize: 30,
        fps: 10,
        // The total grows while the list is read, so cli-progress's own ETA would be wrong.
        etaBuffer: 1,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(0, 0, this.payload());
  }

  queued(): void {
    this.refreshTotal();
  }

  completed(): void {
    this.bar.update(this.tally.done, this.payload());
  }

  badLine(bad: BadLine): void {
    // Printed on its own line above the bar; the bar redraws below it.
    this.io.stderr.write(`\r\x1b[K${describeBadLine(bad)}\n`);
    this.bar.update(this.tally.done, this.payload());
  }

  totalKnown(): void {
    this.refreshTotal();
  }

  private refreshTotal(): void {
    this.bar.setTotal(this.tally.total ?? this.tally.queued);
    this.bar.update(this.tally.done, this.payload());
  }

  stop(): void {
    this.bar.update(this.tally.done, this.payload());
    this.bar.stop();
  }

  private payload(): Record<string, string> {
    const eta = this.tally.etaMs();
    return {
      totalText: totalText(this.tally),
      bytesText: formatBytes(this.tally.bytes),
      rateText: `${megabytesPerSecond(this.tally.bytes, this.tally.elapsedMs).toFixed(1)} MB/s`,
      etaText: eta === null ? '?' : formatDuration(eta),
    };
  }
}

/** The bar only where a person is watching a terminal. */
export function createProgress(tally: DownloadTally, io: CliIo): ProgressReporter {
  return io.stderr.isTTY ? new BarProgress(tally, io) : new LogProgress(tally, io);
}
