/**
 * The number of downloads a list file holds, counted by a separate streaming
 * pass (nothing is kept), so the progress bar can show a real total and an
 * ETA while the downloads themselves still read the list lazily. stdin cannot
 * be read twice, so it has no count.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseUrlListLine } from './input.js';

/** Resolves to the count of downloadable lines, or null when aborted or unreadable. */
export async function countListEntries(file: string, signal: AbortSignal): Promise<number | null> {
  const stream = createReadStream(file);
  const stop = () => stream.destroy();
  signal.addEventListener('abort', stop, { once: true });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = 0;
  let count = 0;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      const parsed = parseUrlListLine(line, lineNumber);
      if (parsed !== null && !('reason' in parsed)) count += 1;
    }
    return signal.aborted ? null : count;
  } catch {
    return null;
  } finally {
    signal.removeEventListener('abort', stop);
    lines.close();
    stream.destroy();
  }
}
