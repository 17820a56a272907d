/**
 * Turns one finished download future into what the run records: the counters'
 * view (DownloadOutcome) and the manifest line. A line that says ok always
 * describes bytes on disk: the file at `savedTo` is looked at (lstat) before
 * the line is written.
 */
import { lstat, type Stats } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { BrokenProcessPool, CancelledError, type Future, type Response } from '@requests-futures/core';
import { Interrupted, NotOnDisk } from '../errors.js';
import { describeError } from '../util/format.js';
import { classifyFileError } from './entry-errors.js';
import type { ManifestEntry } from './manifest.js';
import type { DownloadOutcome } from './tally.js';

/** What a download asks the engine for; kept on the meta so a lost one can be submitted again. */
export interface DownloadRequest {
  url: string;
  saveTo: string;
  saveWithin: string;
  resume: boolean;
  expectedSha256?: string;
  checksum?: false;
  /** The list's per-URL headers (`  header=K: V`), merged over the session's. */
  headers?: Record<string, string>;
  /**
   * --insecure / --ca-certificate and --proxy, on every request: like curl's flags they win
   * over the environment, which (trustEnv, as in requests) would win over the session's.
   */
  verify?: boolean | string;
  proxies?: Record<string, string>;
}

/** Carried on each request as `meta`, and read back from the future it yields. */
export interface DownloadMeta {
  url: string;
  /** Relative to the output directory. */
  path: string;
  /** The path the list line asked for, unsanitized (the manifest's `requestedPath`). */
  requestedPath?: string;
  line: number;
  /** performance.now() when handed to the session. */
  submittedAt: number;
  request: DownloadRequest;
}

export interface SettledDownload {
  outcome: DownloadOutcome;
  entry: ManifestEntry;
  /** A fetched (not kept) file's Content-Disposition header, for --content-disposition. */
  contentDisposition?: string;
}

export interface SettleOptions {
  /** Submits the download again (the run's --retries for a lost child); null when the run is shutting down. */
  resubmit: (request: DownloadRequest) => Future<Response> | null;
  /** How often a download whose pool child died (BrokenProcessPool) is submitted again. */
  retries: number;
  /** The run's interrupt (Ctrl-C, SIGTERM): a download it aborted fails with its Interrupted reason. */
  signal?: AbortSignal | undefined;
  /**
   * The engine runs in this process (an in-process executor): a file it saved (not kept) is
   * taken as on disk on the strength of its own writes and rename, without another lstat
   * (see engineProvedOnDisk).
   */
  savedInThisProcess?: boolean;
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

/** Null when the file at `savedTo` is a regular file of `bytes` bytes; the reason otherwise. */
function checkOnDisk(savedTo: string, bytes: number, relativePath: string): Promise<NotOnDisk | null> {
  // The callback API under one promise: fs/promises' lstat cost a second promise and an async frame per file.
  return new Promise((resolve) => lstat(savedTo, (error, info) => resolve(error ? missingReason(error, relativePath) : differenceOnDisk(info, bytes, relativePath))));
}

function differenceOnDisk(info: Stats, bytes: number, relativePath: string): NotOnDisk | null {
  if (!info.isFile()) return new NotOnDisk(`${JSON.stringify(relativePath)} is not a regular file after the download`);
  if (info.size !== bytes) return new NotOnDisk(`${JSON.stringify(relativePath)} holds ${info.size} bytes, the download reported ${bytes}`);
  return null;
}

function missingReason(error: NodeJS.ErrnoException, relativePath: string): NotOnDisk {
  return new NotOnDisk(`${JSON.stringify(relativePath)} is missing after the download (${error.code ?? 'error'})`);
}

/**
 * Whether the engine's own steps already prove what checkOnDisk would look for. In this process
 * the engine created the temporary anew (O_CREAT | O_EXCL | O_NOFOLLOW: a new regular file,
 * never one reached through a symlink), wrote every byte it counted (its write loops until all
 * are written, and any write or close error fails the download), and renamed it onto `savedTo`
 * before the future settled; rename is atomic, so at that moment `savedTo` was that regular file
 * of `bytes` bytes (small-body.ts, save-to.ts). An lstat afterwards only narrows, never closes, the
 * window in which another process could change the file before the manifest line is written,
 * and it cost ~4% of the main thread on 5,000 small files (a pool hop and a promise per file).
 * Still looked at: a kept file (found, not written, by this run), and every file saved by a pool
 * child or a worker elsewhere, whose response crossed a wire.
 */
function engineProvedOnDisk(response: Response, options: SettleOptions): boolean {
  return options.savedInThisProcess === true && response.kept !== true;
}

/**
 * The response, submitting again (up to `retries` times) while the pool child running it dies: the download never completed, so it is safe.
 * The future's own promise when it succeeds: an async frame here cost every file a promise and a turn.
 */
function resultWithRetries(future: Future<Response, DownloadMeta>, options: SettleOptions): Promise<Response> {
  const first = future.result();
  return options.retries > 0 ? first.catch((error: unknown) => resubmitLost(error, future, options)) : first;
}

async function resubmitLost(error: unknown, future: Future<Response, DownloadMeta>, options: SettleOptions): Promise<Response> {
  for (let failure = error, left = options.retries; ; left -= 1) {
    if (!(failure instanceof BrokenProcessPool) || left <= 0) throw failure;
    let next: Future<Response> | null;
    try {
      next = options.resubmit(future.meta.request);
    } catch {
      next = null; // The session is closing (an interrupt): the lost download stays failed.
    }
    if (next === null) throw failure;
    try {
      return await next.result();
    } catch (nextError) {
      failure = nextError;
    }
  }
}

/**
 * The counters' view and the manifest line, built field by field in the
 * manifest's key order: object spreads here took V8's slow property paths
 * (~1% of rf download's main thread on 5,000 small files).
 */
function settled(meta: DownloadMeta, ok: boolean, status: number | null, bytes: number, transferred: number, sha256: string | null, error: string | null, elapsedMs: number, kept: boolean): SettledDownload {
  const outcome: DownloadOutcome = { url: meta.url, path: meta.path, line: meta.line, ok, status, bytes, transferred, error };
  const entry = { url: meta.url, path: meta.path, line: meta.line } as ManifestEntry;
  if (meta.requestedPath !== undefined) entry.requestedPath = meta.requestedPath;
  entry.ok = ok;
  entry.status = status;
  entry.bytes = ok ? bytes : null;
  entry.sha256 = sha256;
  entry.error = error;
  entry.elapsedMs = elapsedMs;
  if (kept) {
    outcome.kept = true;
    entry.kept = true;
  }
  return { outcome, entry };
}

function failed(meta: DownloadMeta, status: number | null, message: string, elapsedMs: number): SettledDownload {
  return settled(meta, false, status, 0, 0, null, message, elapsedMs, false);
}

/**
 * The body bytes this run fetched for a saved file of `bytes` bytes: none for
 * a kept file; for a continued part (206), the bytes after the range's start.
 */
export function transferredBytes(response: Response, bytes: number): number {
  if (response.kept === true) return 0;
  if (response.statusCode !== 206) return bytes;
  const start = /^\s*bytes\s+(\d+)-/i.exec(response.headers.get('content-range') ?? '');
  return start ? Math.max(0, bytes - Number(start[1])) : bytes;
}

/** A download aborted by Ctrl-C / SIGTERM fails as `Interrupted: interrupted (SIGINT)`, not as the future's `CancelledError: Future aborted`. */
function interruption(error: unknown, signal: AbortSignal | undefined): Interrupted | undefined {
  return error instanceof CancelledError && signal?.reason instanceof Interrupted ? signal.reason : undefined;
}

export async function settleDownload(future: Future<Response, DownloadMeta>, options: SettleOptions): Promise<SettledDownload> {
  const meta = future.meta;
  const elapsed = () => Math.round(performance.now() - meta.submittedAt);
  let response: Response;
  try {
    response = await resultWithRetries(future, options);
  } catch (error) {
    return failed(meta, null, describeError(classifyFileError(error, meta.path) ?? interruption(error, options.signal) ?? error), elapsed());
  }
  const status = response.statusCode;
  if (!isSuccessStatus(status)) {
    await discardErrorBody(response).catch(() => undefined);
    return failed(meta, status, `HTTP ${status}${response.reason ? ` ${response.reason}` : ''}`, elapsed());
  }
  const bytes = response.bytes ?? response.content.byteLength;
  if (response.savedTo && !engineProvedOnDisk(response, options)) {
    const missing = await checkOnDisk(response.savedTo, bytes, meta.path);
    if (missing) return failed(meta, status, describeError(missing), elapsed());
  }
  const kept = response.kept === true;
  const result = settled(meta, true, status, bytes, transferredBytes(response, bytes), response.sha256 ?? null, null, elapsed(), kept);
  const disposition = kept ? undefined : response.headers.get('content-disposition');
  if (disposition) result.contentDisposition = disposition;
  return result;
}
