/**
 * The number of downloads a list file holds, counted by a separate streaming
 * pass (nothing is kept), so the progress bar can show a real total and an
 * ETA while the downloads themselves still read the list lazily. Only a
 * regular file can be read twice: stdin, a FIFO or a process substitution
 * (`rf download <(cmd)`, a pipe under /dev/fd) has no count, as a second
 * reader would take lines from the downloads' own reader.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseUrlListLine, splitLines } from './input.js';

/** Resolves to the count of downloadable lines, or null when aborted or unreadable. */
export async function countListEntries(file: string, signal: AbortSignal): Promise<number | null> {
  if (!(await isRegularFile(file))) return null;
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

/** Looked at, not opened: opening a FIFO would wait for a writer, or take the place of the reader a writer waits for. */
async function isRegularFile(file: string): Promise<boolean> {
  return stat(file).then((info) => info.isFile(), () => false);
}
