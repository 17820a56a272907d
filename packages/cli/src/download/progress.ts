/**
 * What the user sees while `rf download` runs: a live display on a terminal,
 * one plain line per finished file otherwise (logs, CI, pipes), where a
 * redrawn bar would be noise; with -q only failures. All read the same tally;
 * the summary comes after.
 */
import { writeLine, type CliIo } from '../io.js';
import { formatBytes, formatDuration, megabytesPerSecond } from '../util/format.js';
import type { BadLine } from './input.js';
import { LiveTransfers, transferEtaMs, transferRate, type LiveTransfer } from './live-transfers.js';
import type { DownloadOutcome, DownloadTally } from './tally.js';

export interface ProgressReporter {
  /** A URL was read from the list (the total so far grew). */
  queued(): void;
  completed(outcome: DownloadOutcome): void;
  /** Body bytes arrived for a download in flight (LiveTransfers has the counts). */
  bytesArrived?(): void;
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

/**
 * One line per file: greppable, and never interleaves with a redraw. The
 * lines of one turn of the event loop go out in one write (a write per file
 * cost ~1.3% of rf download's main thread on 5,000 small files); whatever is
 * held is written before a refused line goes to stderr and at stop(), so the
 * order stays the order of events and nothing is left behind.
 */
export class LogProgress implements ProgressReporter {
  private held = '';
  private flushScheduled = false;
  private readonly flushHeld = () => {
    this.flushScheduled = false;
    this.flush();
  };

  constructor(
    private readonly tally: DownloadTally,
    private readonly io: CliIo,
  ) {}

  queued(): void {}

  completed(outcome: DownloadOutcome): void {
    const counter = `[${this.tally.done}/${totalText(this.tally)}]`;
    if (outcome.kept) {
      this.hold(`${counter} kept ${formatBytes(outcome.bytes)}  ${outcome.path}`);
    } else if (outcome.ok) {
      this.hold(`${counter} ok ${outcome.status} ${formatBytes(outcome.bytes)}  ${outcome.path}`);
    } else {
      this.hold(`${counter} FAILED ${outcome.url}  ${outcome.error}`);
    }
  }

  badLine(bad: BadLine): void {
    this.flush();
    writeLine(this.io.stderr, describeBadLine(bad));
  }

  totalKnown(): void {}

  stop(): void {
    this.flush();
  }

  private hold(line: string): void {
    this.held += `${line}\n`;
    if (this.held.length >= HELD_BYTES) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushHeld);
    }
  }

  private flush(): void {
    if (this.held === '') return;
    const text = this.held;
    this.held = '';
    this.io.stdout.write(text);
  }
}

/** Held lines are written once they reach this many characters, without waiting for the end of the turn. */
const HELD_BYTES = 16 * 1024;

/** At most this many downloads in flight get a line of their own; more are summed up in one line. */
export const FILE_LINES = 4;
const REDRAW_MS = 100;
const BAR_WIDTH = 24;

/**
 * A live display on a terminal (stderr), redrawn at most 10 times a second:
 * a bar of files done, the bytes received (finished files and the ones in
 * flight, from the executor's `bytes` events), the rate and an ETA; below
 * it, the files in flight with their own bytes, share, rate and ETA when
 * there are at most FILE_LINES of them, one compact line when there are more.
 */
export class LiveProgress implements ProgressReporter {
  private linesDrawn = 0;
  private dirty = true;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly tally: DownloadTally,
    private readonly io: CliIo,
    private readonly live: LiveTransfers,
  ) {
    this.timer = setInterval(() => this.redrawIfDirty(), REDRAW_MS);
    this.timer.unref();
    this.io.stderr.write('\x1b[?25l'); // hide the cursor while frames are drawn
    this.redrawIfDirty();
  }

  queued(): void {
    this.dirty = true;
  }

  bytesArrived(): void {
    this.dirty = true;
  }

  completed(): void {
    this.dirty = true;
  }

  badLine(bad: BadLine): void {
    this.erase();
    this.io.stderr.write(`${describeBadLine(bad)}\n`);
    this.dirty = true;
    this.redrawIfDirty();
  }

  totalKnown(): void {
    this.dirty = true;
  }

  stop(): void {
    clearInterval(this.timer);
    this.erase();
    this.io.stderr.write(`${this.fit(this.totalLine())}\n\x1b[?25h`);
  }

  /** The frame's lines: the total, then the files in flight (or their count). */
  frame(): string[] {
    const lines = [this.totalLine()];
    const transfers = this.live.list();
    if (transfers.length > FILE_LINES) {
      lines.push(`  ${transfers.length} downloads in flight, ${formatBytes(this.live.bytes)} received`);
    } else {
      for (const transfer of transfers) lines.push(`  ${fileLine(transfer)}`);
    }
    return lines;
  }

  private totalLine(): string {
    const total = this.tally.total;
    const done = this.tally.done;
    const filled = total && total > 0 ? Math.min(BAR_WIDTH, Math.round((done / total) * BAR_WIDTH)) : 0;
    const bytes = this.tally.bytes + this.live.bytes;
    const eta = this.etaMs();
    return (
      ` ${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${done}/${totalText(this.tally)} files | ${formatBytes(bytes)}` +
      ` | ${megabytesPerSecond(bytes, this.tally.elapsedMs).toFixed(1)} MB/s | ETA ${eta === null ? '?' : formatDuration(eta)}`
    );
  }

  /**
   * When every file left is in flight with a declared size (a single large
   * file, the last few of a list), the slowest of their ETAs; otherwise the
   * tally's estimate from the files finished so far.
   */
  private etaMs(): number | null {
    const total = this.tally.total;
    const transfers = this.live.list();
    if (total !== null && transfers.length > 0 && total - this.tally.done <= transfers.length) {
      const etas = transfers.map(transferEtaMs);
      if (etas.every((eta) => eta !== null)) return Math.max(...(etas as number[]));
    }
    return this.tally.etaMs();
  }

  private fit(line: string): string {
    // A pseudo-terminal without a size reports 0 columns.
    const columns = this.io.stderr.columns || 80;
    return [...line].slice(0, Math.max(10, columns - 1)).join('');
  }

  /** Moves to the frame's first line and clears from there to the end of the screen. */
  private erase(): void {
    if (this.linesDrawn === 0) return;
    this.io.stderr.write(`${this.linesDrawn > 1 ? `\x1b[${this.linesDrawn - 1}A` : ''}\r\x1b[J`);
    this.linesDrawn = 0;
  }

  private redrawIfDirty(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const lines = this.frame().map((line) => this.fit(line));
    this.erase();
    this.io.stderr.write(lines.join('\n'));
    this.linesDrawn = lines.length;
  }
}

/** -q: failures (and refused lines) only; the summary follows as always. */
export class QuietProgress extends LogProgress {
  override completed(outcome: DownloadOutcome): void {
    if (!outcome.ok) super.completed(outcome);
  }
}

/** The live display only where a person is watching a terminal, and not with -q. */
export function createProgress(tally: DownloadTally, io: CliIo, options: { quiet?: boolean; live?: LiveTransfers } = {}): ProgressReporter {
  if (options.quiet) return new QuietProgress(tally, io);
  return io.stderr.isTTY ? new LiveProgress(tally, io, options.live ?? new LiveTransfers()) : new LogProgress(tally, io);
}

/** "big.iso  1.31 MB / 6.29 MB  21%  2.6 MB/s  ETA 1.92 s": the share and ETA only when the server declared the size. */
export function fileLine(transfer: LiveTransfer): string {
  const name = transfer.path ?? '(waiting for its name)';
  const size = transfer.total === null ? formatBytes(transfer.bytes) : `${formatBytes(transfer.bytes)} / ${formatBytes(transfer.total)}`;
  const share = transfer.total !== null && transfer.total > 0 ? `  ${Math.floor((Math.min(transfer.bytes, transfer.total) / transfer.total) * 100)}%` : '';
  const rate = transferRate(transfer);
  const eta = transferEtaMs(transfer);
  return `${name}  ${size}${share}  ${rate === null ? '-' : (rate / 1e6).toFixed(1)} MB/s${eta === null ? '' : `  ETA ${formatDuration(eta)}`}`;
}
