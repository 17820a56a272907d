/**
 * One `rf download` run: list → paths → session.map → manifest + progress.
 * Everything is streamed: the list is read as the session has room, each
 * result goes to the manifest and the counters and is dropped, so memory does
 * not depend on the number of URLs.
 */
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ThreadPoolExecutor, type Executor, type MapInput, type ObservableExecutor } from '@requests-futures/core';
import { bulkTransferGc } from '@requests-futures/core/internal';
import { EXIT_INTERRUPTED, interruptedExitCode, PathOutsideDirectoryError, UsageError } from '../errors.js';
import { writeLine, type CliIo } from '../io.js';
import { ownsProcess } from '../own-process.js';
import { describeError } from '../util/format.js';
import { readChecksumsFile } from './checksums.js';
import { countListEntries } from './count.js';
import { isBadLine, openUrlList, readUrlListInBatches, type BadLine, type UrlListEntry } from './input.js';
import { ManifestWriter, noManifest, type ManifestEntry, type ManifestSink } from './manifest.js';
import { renameToDispositionName } from './disposition-name.js';
import { classifyFileError } from './entry-errors.js';
import { settleDownload, type DownloadMeta, type DownloadRequest, type SettledDownload } from './outcome.js';
import { HostPacer } from './politeness.js';
import { PathAllocator, pathFromUrl, sanitizeRelativePath, type AllocatedPath } from './paths.js';
import { LiveTransfers } from './live-transfers.js';
import { createProgress, type ProgressReporter } from './progress.js';
import type { DownloadSessionOptions } from './request-flags.js';
import { createDownloadEngine } from './session.js';
import { openDistributedExecutor, type DistributedFlags } from '../worker/coordinator.js';
import { reserveRunFiles } from './run-files.js';
import { StaleTemporarySweeper } from './stale-temporaries.js';
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
  /** Keep complete files (the engine checks their size with the server) and continue partial ones (Range). */
  resume: boolean;
  manifestPath?: string;
  /** Headers, auth, timeout, proxies, verify from the request flags. */
  sessionOptions?: DownloadSessionOptions;
  /** --max-per-host: the session's perHostLimit. */
  perHostLimit?: number;
  /** --retry-on-http-error: the status codes retried (the defaults included). */
  retryStatusCodes?: number[];
  /** --limit-rate: the executor's maxBytesPerSecond, shared by every download (and child process). */
  maxBytesPerSecond?: number;
  /** --wait: seconds between request starts to one host. */
  waitSeconds?: number;
  /** --content-disposition: rename a file fetched under its URL's name to the server's name. */
  contentDisposition?: boolean;
  /** -q: print only failures and the summary. */
  quiet?: boolean;
  /** A sha256sum-format file of expected digests, by output path relative to the output directory. */
  checksumsFile?: string;
  /** False (--no-checksum): nothing is hashed; the manifest's sha256 is null. */
  checksum?: boolean;
  /** --redis/--queue: the downloads run on rf worker processes (a DistributedExecutor). */
  distributed?: DistributedFlags;
  /** Aborting stops reading the list and aborts running downloads (Ctrl-C, SIGTERM: abort with an Interrupted reason). */
  signal?: AbortSignal;
}

export const EXIT_OK = 0;
export const EXIT_FAILURES = 1;
export { EXIT_INTERRUPTED };

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
  return {
    url: bad.url ?? bad.text,
    path: null,
    ...(bad.requestedPath !== undefined ? { requestedPath: bad.requestedPath } : {}),
    line: bad.lineNumber,
    ok: false,
    status: null,
    bytes: null,
    sha256: null,
    error: bad.reason,
    elapsedMs: null,
  };
}

/** A well-formed line refused later (its path, its digest): reported like a bad line. */
function refusedEntry(entry: UrlListEntry, reason: string): BadLine {
  return { lineNumber: entry.lineNumber, text: entry.url, url: entry.url, ...(entry.requestedPath !== undefined ? { requestedPath: entry.requestedPath } : {}), reason };
}

/** The digest an entry must have: its own line's, or the --checksums file's for its output path; a reason when both disagree. */
function expectedDigest(entry: UrlListEntry, relativePath: string, checksums: Map<string, string> | null): { sha256?: string } | { reason: string } {
  const fromFile = checksums?.get(relativePath);
  if (entry.expectedSha256 !== undefined && fromFile !== undefined && fromFile !== entry.expectedSha256) {
    return { reason: `its sha256 differs from the one --checksums gives for ${JSON.stringify(relativePath)}` };
  }
  const sha256 = entry.expectedSha256 ?? fromFile;
  return sha256 === undefined ? {} : { sha256 };
}

interface RunState {
  options: DownloadOptions;
  io: CliIo;
  tally: DownloadTally;
  progress: ProgressReporter;
  manifest: ManifestSink;
  checksums: Map<string, string> | null;
  /** Every name of the run comes from this one allocator (list order, then --content-disposition renames). */
  allocator: PathAllocator;
}

/** --proxy as every scheme's proxy, so that HTTP_PROXY / HTTPS_PROXY (which name a scheme) do not outrank it. */
function transportFlags(flags: DownloadSessionOptions | undefined): Pick<DownloadRequest, 'verify' | 'proxies'> {
  const chosen: Pick<DownloadRequest, 'verify' | 'proxies'> = {};
  if (flags?.verify !== undefined) chosen.verify = flags.verify;
  const proxy = flags?.proxies?.all;
  if (proxy !== undefined) chosen.proxies = { http: proxy, https: proxy, all: proxy };
  return chosen;
}

/**
 * The session's inputs, made lazily from the list: each URL gets its file path
 * (allocated in list order, so names are deterministic). The engine creates
 * the directories (inside `saveWithin`, refusing symlinks, only when bytes
 * arrive), so nothing here touches the output directory but the sweep of
 * temporaries that dead runs left.
 */
async function* downloadRequests(state: RunState): AsyncGenerator<MapInput> {
  const { options, tally, progress, manifest, allocator } = state;
  const pacer = options.waitSeconds !== undefined ? new HostPacer(options.waitSeconds * 1000) : null;
  const sweeper = new StaleTemporarySweeper(allocator.directory);
  const refused: BadLine[] = [];
  const explicitTransport = transportFlags(options.sessionOptions);
  const onBadLine = (bad: BadLine) => {
    tally.recordBadLine();
    progress.badLine(bad);
    refused.push(bad);
  };
  // A chunk of the list at a time, looped over here: one async generator less between each URL and its request.
  for await (const items of readUrlListInBatches(openUrlList(options.list, state.io.stdin))) {
    for (const entry of items) {
      if (isBadLine(entry)) {
        onBadLine(entry);
        continue;
      }
      // Refused lines are written here, in the consumer's rhythm, so at most a few wait in memory.
      if (refused.length > 0) for (const bad of refused.splice(0)) await manifest.write(badLineEntry(bad));
      const relative = entry.requestedPath !== undefined ? sanitizeRelativePath(entry.requestedPath) : pathFromUrl(entry.url);
      let target: AllocatedPath;
      try {
        target = allocator.allocate(relative);
      } catch (error) {
        if (!(error instanceof PathOutsideDirectoryError)) throw error;
        onBadLine(refusedEntry(entry, error.message));
        continue;
      }
      const digest = expectedDigest(entry, target.relativePath, state.checksums);
      if ('reason' in digest) {
        onBadLine(refusedEntry(entry, digest.reason));
        continue;
      }
      if (digest.sha256 !== undefined && options.checksum === false) {
        onBadLine(refusedEntry(entry, 'it gives a sha256, which --no-checksum cannot check'));
        continue;
      }
      // No await for a directory already swept, nor without --wait: each costs a turn of the loop per file.
      const directory = path.dirname(target.absolutePath);
      if (!sweeper.hasSwept(directory)) await sweeper.sweepOnce(directory);
      // Last before the yield, so nothing but the session stands between the turn and the request.
      if (pacer !== null) await pacer.waitTurn(entry.url, options.signal);
      if (options.signal?.aborted) return;
      tally.recordQueued();
      progress.queued();
      const request: DownloadRequest = { url: entry.url, saveTo: target.absolutePath, saveWithin: allocator.directory, resume: options.resume };
      if (digest.sha256 !== undefined) request.expectedSha256 = digest.sha256;
      if (options.checksum === false) request.checksum = false;
      if (entry.headers !== undefined) request.headers = entry.headers;
      Object.assign(request, explicitTransport);
      const meta: DownloadMeta = { url: entry.url, path: target.relativePath, line: entry.lineNumber, submittedAt: performance.now(), request };
      if (entry.requestedPath !== undefined) meta.requestedPath = entry.requestedPath;
      yield { ...request, meta };
    }
  }
  for (const bad of refused.splice(0)) await manifest.write(badLineEntry(bad));
  tally.inputDone = true;
  progress.totalKnown();
}

/**
 * Feeds the executor's `bytes` events into `live`, only for a display that
 * shows them (asking for them costs a message per 256 KiB from pool children).
 * A download leaves `live` when its task's future settles.
 */
function watchBytes(executor: Executor, live: LiveTransfers, changed: () => void): () => void {
  const observable = executor as Executor & Partial<ObservableExecutor>;
  if (!observable.on) return () => {};
  return observable.on('bytes', (future, bytes, total) => {
    const meta = future.meta as DownloadMeta | undefined;
    const first = !live.has(future);
    live.update(future, meta?.path ?? null, bytes, total);
    if (first) future.addDoneCallback(() => live.finish(future));
    changed();
  });
}

/** --content-disposition: a fetched file named by its URL takes the server's name; a failed rename fails the entry. */
async function useDispositionName(settled: SettledDownload, allocator: PathAllocator): Promise<void> {
  const { outcome, entry } = settled;
  if (!outcome.ok || outcome.path === null || settled.contentDisposition === undefined) return;
  try {
    const renamed = await renameToDispositionName(allocator, outcome.path, settled.contentDisposition, entry.url);
    if (renamed === null) return;
    outcome.path = renamed;
    entry.path = renamed;
  } catch (error) {
    const message = describeError(classifyFileError(error, outcome.path) ?? error);
    Object.assign(outcome, { ok: false, bytes: 0, transferred: 0, error: message });
    Object.assign(entry, { ok: false, bytes: null, sha256: null, error: message });
  }
}

/**
 * Runs the downloads and prints the summary; resolves to the exit code (0 all
 * ok, 1 anything failed, 130 interrupted by SIGINT, 143 by SIGTERM). The
 * summary and the manifest come out however the run ends: a per-entry problem
 * fails that entry only, and even a fatal one (the list becomes unreadable, the
 * manifest's disk fills) is reported after the summary of what finished.
 */
export async function runDownload(options: DownloadOptions, io: CliIo): Promise<number> {
  // In the rf executable downloading is the process's one job: its heap may stay lean between large transfers
  // (bulk-transfer-gc.ts). Inside another program (a test, a service) its heap is not rf's to tune.
  if (ownsProcess()) bulkTransferGc.preferLeanHeap();
  await checkList(options, io);
  const checksums = options.checksumsFile !== undefined ? await readChecksumsFile(options.checksumsFile) : null;
  await mkdir(options.outputDir, { recursive: true });
  const manifest = options.manifestPath ? await ManifestWriter.open(options.manifestPath) : noManifest;
  const allocator = new PathAllocator(options.outputDir);
  await reserveRunFiles(allocator, [options.list === '-' ? undefined : options.list, options.manifestPath, options.checksumsFile]);
  const tally = new DownloadTally();
  tally.checksums = options.checksum !== false;
  const engine = createDownloadEngine(options.distributed ? { ...options, executor: await openDistributedExecutor(options.distributed, options.jobs) } : options);
  const live = new LiveTransfers();
  const progress = createProgress(tally, io, { live, ...(options.quiet ? { quiet: true } : {}) });
  const stopWatchingBytes = progress.bytesArrived ? watchBytes(engine.session.executor, live, () => progress.bytesArrived?.()) : () => {};
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
  const state: RunState = { options, io, tally, progress, manifest, checksums, allocator };
  const settleOptions = {
    retries: options.retries,
    signal: options.signal,
    savedInThisProcess: engine.session.executor instanceof ThreadPoolExecutor,
    resubmit: ({ url, ...request }: DownloadRequest) => (options.signal?.aborted ? null : engine.session.request('GET', url, request)),
  };
  let fatal: unknown = null;
  try {
    for await (const future of engine.session.map(downloadRequests(state))) {
      const settled = await settleDownload(future, settleOptions);
      if (options.contentDisposition && future.meta.requestedPath === undefined) await useDispositionName(settled, state.allocator);
      const { outcome, entry } = settled;
      tally.recordOutcome(outcome);
      progress.completed(outcome);
      const writing = manifest.write(entry);
      if (writing !== undefined) await writing;
    }
  } catch (error) {
    fatal = error;
  } finally {
    options.signal?.removeEventListener('abort', interrupt);
    stopWatchingBytes();
    stopCounting.abort();
    await counting;
    tally.finish();
    progress.stop();
    // Leaving on an error (a full disk for the manifest, an unreadable list): stop the downloads too.
    await engine.close({ abort: fatal !== null });
    await manifest.close().catch((error: unknown) => (fatal ??= error));
  }
  writeLine(io.stdout, formatDownloadSummary(tally));
  if (options.manifestPath) writeLine(io.stdout, `Manifest: ${path.resolve(options.manifestPath)}`);
  if (options.signal?.aborted) {
    writeLine(io.stderr, 'Interrupted: the summary covers what finished before the interruption.');
    return interruptedExitCode(options.signal);
  }
  if (fatal !== null) {
    writeLine(io.stderr, `rf: the run stopped early: ${describeError(fatal)}`);
    return EXIT_FAILURES;
  }
  return tally.allOk ? EXIT_OK : EXIT_FAILURES;
}
