/**
 * Turns one finished download future into what the run records: the counters'
 * view (DownloadOutcome) and the manifest line.
 */
import { unlink } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Future, Response } from '@requests-futures/core';
import { describeError } from '../util/format.js';
import type { ManifestEntry } from './manifest.js';
import type { DownloadOutcome } from './tally.js';

/** Carried on each request as `meta`, and read back from the future it yields. */
export interface DownloadMeta {
  url: string;
  /** Relative to the output directory. */
  path: string;
  line: number;
  /** performance.now() when handed to the session. */
  submittedAt: number;
}

export interface SettledDownload {
  outcome: DownloadOutcome;
  entry: ManifestEntry;
}

/** A file is downloaded only with a 2xx answer; a 3xx here means a redirect that was not followed. */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * An error page saved under the file's name would look like a download, so a
 * non-2xx body that the engine wrote is removed. (A resumable partial file is
 * not at `savedTo`, which only ever names a completed file.)
 */
async function discardErrorBody(response: Response): Promise<void> {
  if (!response.savedTo) return;
  await unlink(response.savedTo).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

export async function settleDownload(future: Future<Response, DownloadMeta>): Promise<SettledDownload> {
  const meta = future.meta;
  const base = { url: meta.url, path: meta.path, line: meta.line };
  let response: Response;
  try {
    response = await future.result();
  } catch (error) {
    const elapsedMs = Math.round(performance.now() - meta.submittedAt);
    const message = describeError(error);
    return {
      outcome: { url: meta.url, path: meta.path, ok: false, status: null, bytes: 0, error: message },
      entry: { ...base, ok: false, status: null, bytes: null, sha256: null, error: message, elapsedMs },
    };
  }
  const elapsedMs = Math.round(performance.now() - meta.submittedAt);
  const status = response.statusCode;
  if (!isSuccessStatus(status)) {
    await discardErrorBody(response);
    const message = `HTTP ${status}${response.reason ? ` ${response.reason}` : ''}`;
    return {
      outcome: { url: meta.url, path: meta.path, ok: false, status, bytes: 0, error: message },
      entry: { ...base, ok: false, status, bytes: null, sha256: null, error: message, elapsedMs },
    };
  }
  const bytes = response.bytes ?? response.content.byteLength;
  return {
    outcome: { url: meta.url, path: meta.path, ok: true, status, bytes, error: null },
    entry: { ...base, ok: true, status, bytes, sha256: response.sha256 ?? null, error: null, elapsedMs },
  };
}
