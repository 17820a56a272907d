/**
 * Live progress of a bench, on stderr (stdout is the report's): on a terminal
 * one line rewritten each second, otherwise a plain line each second that
 * logs and CI keep readable.
 */
import type { OutputStream } from '../io.js';
import type { LoopProgress } from './load-loop.js';

export function formatProgress(progress: LoopProgress): string {
  const seconds = (progress.elapsedMs / 1000).toFixed(0);
  return `rf bench: ${seconds} s, ${progress.lastSecond} req/s, ${progress.requests} requests, p99 ${progress.p99Ms.toFixed(3)} ms, ${progress.errors} errors`;
}

export interface ProgressPrinter {
  onSecond(progress: LoopProgress): void;
  /** Clears the terminal line before the report. */
  end(): void;
}

export function createProgressPrinter(stream: OutputStream): ProgressPrinter {
  if (!stream.isTTY) return { onSecond: (progress) => stream.write(`${formatProgress(progress)}\n`), end: () => {} };
  let shown = false;
  return {
    onSecond: (progress) => {
      shown = true;
      stream.write(`\r\x1b[2K${formatProgress(progress)}`);
    },
    end: () => {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
