/**
 * The number of downloads a list file holds, counted by a separate streaming
 * pass (nothing is kept), so the progress bar can show a real total and an
 * ETA while the downloads themselves still read the list lazily. stdin cannot
 * be read twice, so it has no count.
 */
import { createReadStream } from 'node:fs';
import { parseUrlListLine, splitLines } from './input.js';

/** Resolves to the count of downloadable lines, or null when aborted or unreadable. */
export async function countListEntries(file: string, signal: AbortSignal): Promise<number | null> {
  const stream = createReadStream(file);
  const stop = () => stream.destroy();
  signal.addEventListener('abort', stop, { once: true });
  let lineNumber = 0;
  let count = 0;
  try {
    // A chunk of lines at a time, split as the download's own reader splits them: readline's event and
    // async-iterator layers per line ran on the main thread beside the downloads (~1 promise per URL).
    for await (const lines of splitLines(stream)) {
      for (const line of lines) {
        lineNumber += 1;
        const parsed = parseUrlListLine(line, lineNumber);
        if (parsed !== null && !('reason' in parsed)) count += 1;
      }
    }
    return signal.aborted ? null : count;
  } catch {
    return null;
  } finally {
    signal.removeEventListener('abort', stop);
    stream.destroy();
  }
}
