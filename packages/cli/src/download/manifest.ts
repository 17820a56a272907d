/**
 * The download manifest: one JSON object a line, appended as each result
 * arrives, so memory stays flat however long the list is and a crash still
 * leaves every finished entry on disk.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { dropTornLastLine } from './manifest-repair.js';

export interface ManifestEntry {
  /** The URL alone, as the list gave it (a refused line's first field). */
  url: string;
  /** Relative to the output directory ('/'-separated); null when no path was assigned (a refused list line). */
  path: string | null;
  /** Present when the list line asked for a path (`URL<TAB>path`): that path as written, before sanitizing. */
  requestedPath?: string;
  /** True when the file was saved with a 2xx answer. */
  ok: boolean;
  /** HTTP status code; null when no response arrived. */
  status: number | null;
  bytes: number | null;
  sha256: string | null;
  /** "ErrorClass: message", or null on success. */
  error: string | null;
  elapsedMs: number | null;
  /** The 1-based line of the URL list this entry came from. */
  line: number;
  /** Present (true) when --resume found the file complete from an earlier run and did not fetch it (`bytes` is its size; nothing was transferred). */
  kept?: boolean;
}

export interface ManifestSink {
  /** A promise to wait for, or undefined when there is nothing to wait for (no manifest: no promise and no turn per file). */
  write(entry: ManifestEntry): Promise<void> | undefined;
  close(): Promise<void>;
}

/** Stands in when no --manifest was asked for, so the caller need not branch. */
export const noManifest: ManifestSink = {
  write: () => undefined,
  async close() {},
};

export class ManifestWriter implements ManifestSink {
  private readonly stream: WriteStream;
  private readonly filePath: string;
  private failure: Error | null = null;

  private constructor(stream: WriteStream, filePath: string) {
    this.stream = stream;
    this.filePath = filePath;
    // Remember a write error and raise it on the next call, instead of an unhandled 'error' event.
    stream.on('error', (error) => {
      this.failure = error;
    });
  }

  /** Creates (truncates) the manifest file; its directory is created if missing. */
  static async open(filePath: string): Promise<ManifestWriter> {
    await mkdir(path.dirname(path.resolve(filePath)), { recursive: true });
    const stream = createWriteStream(filePath, { flags: 'w' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return new ManifestWriter(stream, filePath);
  }

  async write(entry: ManifestEntry): Promise<void> {
    if (this.failure) throw this.failure;
    // Waiting for 'drain' keeps a slow disk from buffering the whole manifest in memory.
    if (!this.stream.write(`${JSON.stringify(entry)}\n`)) {
      await once(this.stream, 'drain');
    }
  }

  /** Ends the file; after a failed write (a full disk) the torn last line is cut off, and the failure raised. */
  async close(): Promise<void> {
    if (this.failure === null) {
      try {
        await new Promise<void>((resolve, reject) => {
          this.stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
        });
        return;
      } catch (error) {
        this.failure ??= error as Error;
      }
    }
    await dropTornLastLine(this.filePath).catch(() => undefined);
    throw this.failure;
  }
}
