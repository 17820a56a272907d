/**
 * One `rf download` run: list → paths → session.map → manifest + progress.
 * Everything is streamed: the list is read as the session has room, each
 * result goes to the manifest and the counters and is dropped, so memory does
 * not depend on the number of URLs.
 */
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { MapInput } from '@requests-futures/core';
import { PathOutsideDirectoryError, UsageError } from '../errors.js';
import { writeLine, type CliIo } from '../io.js';
import { countListEntries } from './count.js';
import { inspectExistingFile } from './existing.js';
import { openUrlList, readUrlList, type BadLine } from './input.js';
import { ManifestWriter, noManifest, type ManifestEntry, type ManifestSink } from './manifest.js';
import { settleDownload, type DownloadMeta } from './outcome.js';
import { PathAllocator, pathFromUrl, sanitizeRelativePath, type AllocatedPath } from './paths.js';
import { createProgress, type ProgressReporter } from './progress.js';
import { createDownloadEngine } from './session.js';
import { formatDownloadSummary } from './summary.js';
import { DownloadTally } from './tally.js';

export interface DownloadOptions {
  /** A file of URLs, or '-' for stdin. */
  list: string;
  outputDir: string;
  /** Concurrent downloads. */
  jobs: number;
  /** Run the downloads in this many child processes (0: in this process); chosen by engine-choice.ts when absent. */
  processes?: number;
  retries: number;
  /** Continue partial files (Range requests) instead of starting over. */
  resume: boolean;
  manifestPath?: string;
  timeoutSeconds?: number;
  /** Aborting stops reading the list and aborts running downloads (Ctrl-C). */
  signal?: AbortSignal;
}

export const EXIT_OK = 0;
export const EXIT_FAILURES = 1;
export const EXIT_INTERRUPTED = 130;

async function checkList(options: DownloadOptions, io: CliIo): Promise<void> {
  if (options.list === '-') {
    if (io.stdin.isTTY) throw new UsageError('no URL list given: pass a FILE, or pipe the list into stdin with "-"');
    return;
  }
  try {
    await access(options.list);
  } catch {
    throw new UsageError(`cannot read the URL list ${JSON.stringify(options.list)}`);
  }
}

function badLineEntry(bad: BadLine): ManifestEntry {
  return { url: bad.text, path: null, line: bad.lineNumber, ok: false, status: null, bytes: null, sha256: null, error: bad.reason, elapsedMs: null };
}

/**
 * The session's inputs, made lazily from the list: each URL gets its file path
 * (allocated in list order, so names are deterministic) and its parent directory.
 */
async function* downloadRequests(
  options: DownloadOptions,
  io: CliIo,
  tally: DownloadTally,
  progress: ProgressReporter,
  manifest: ManifestSink,
): AsyncGenerator<MapInput> {
  const allocator = new PathAllocator(options.outputDir);
  const refused: BadLine[] = [];
  const onBadLine = (bad: BadLine) => {
    tally.recordBadLine();
    progress.badLine(bad);
    refused.push(bad);
  };
  for await (const entry of readUrlList(openUrlList(options.list, io.stdin), { onBadLine })) {
    // Refused lines are written here, in the consumer's rhythm, so at most a few wait in memory.
    for (const bad of refused.splice(0)) await manifest.write(badLineEntry(bad));
    const relative = entry.requestedPath !== undefined ? sanitizeRelativePath(entry.requestedPath) : pathFromUrl(entry.url);
    let target: AllocatedPath;
    try {
      target = allocator.allocate(relative);
    } catch (error) {
      if (!(error instanceof PathOutsideDirectoryError)) throw error;
      onBadLine({ lineNumber: entry.lineNumber, text: entry.url, reason: error.message });
      continue;
    }
    await mkdir(path.dirname(target.absolutePath), { recursive: true });
    if (options.signal?.aborted) return;
    tally.recordQueued();
    progress.queued();
    const existing = options.resume ? await inspectExistingFile(target.absolutePath) : null;
    if (existing) {
      const outcome = { url: entry.url, path: target.relativePath, ok: true, status: null, bytes: existing.bytes, error: null, kept: true };
      tally.recordOutcome(outcome);
      progress.completed(outcome);
      await manifest.write({ ...outcome, line: entry.lineNumber, sha256: existing.sha256, elapsedMs: 0 });
      continue;
    }
    const meta: DownloadMeta = { url: entry.url, path: target.relativePath, line: entry.lineNumber, submittedAt: performance.now() };
    yield { url: entry.url, saveTo: target.absolutePath, resume: options.resume, meta };
  }
  for (const bad of refused.splice(0)) await manifest.write(badLineEntry(bad));
  tally.inputDone = true;
  progress.totalKnown();
}

/** Runs the downloads and prints the summary; resolves to the exit code (0 all ok, 1 anything failed, 130 interrupted). */
export async function runDownload(options: DownloadOptions, io: CliIo): Promise<number> {
  await checkList(options, io);
  await mkdir(options.outputDir, { recursive: true });
  const manifest = options.manifestPath ? await ManifestWriter.open(options.manifestPath) : noManifest;
  const tally = new DownloadTally();
  const engine = createDownloadEngine(options);
  const progress = createProgress(tally, io);
  const interrupt = () => void engine.close({ abort: true });
  if (options.signal?.aborted) interrupt();
  options.signal?.addEventListener('abort', interrupt, { once: true });
  const stopCounting = new AbortController();
  const counting = options.list === '-' ? Promise.resolve(null) : countListEntries(options.list, stopCounting.signal);
  void counting.then((total) => {
    if (total === null || tally.inputDone) return;
    tally.expectedTotal = total;
    progress.totalKnown();
  });
  let completed = false;
  try {
    const inputs = downloadRequests(options, io, tally, progress, manifest);
    for await (const future of engine.session.map(inputs)) {
      const { outcome, entry } = await settleDownload(future);
      tally.recordOutcome(outcome);
      progress.completed(outcome);
      await manifest.write(entry);
    }
    completed = true;
  } finally {
    options.signal?.removeEventListener('abort', interrupt);
    stopCounting.abort();
    await counting;
    tally.finish();
    progress.stop();
    // Leaving on an error (a full disk for the manifest, an unreadable list): stop the downloads too.
    await engine.close({ abort: !completed });
    await manifest.close();
  }
  writeLine(io.stdout, formatDownloadSummary(tally));
  if (options.manifestPath) writeLine(io.stdout, `Manifest: ${path.resolve(options.manifestPath)}`);
  if (options.signal?.aborted) {
    writeLine(io.stderr, 'Interrupted: the summary covers what finished before the interruption.');
    return EXIT_INTERRUPTED;
  }
  return tally.allOk ? EXIT_OK : EXIT_FAILURES;
}
