/**
 * `rf download [FILE|-] -o DIR [options]`: the command line, validated into
 * DownloadOptions (the request flags in request-flags.ts). See the CLI README.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { parseNonNegativeInteger, parsePositiveInteger, parsePositiveSeconds } from '../util/parse.js';
import { parseLimitRate } from './limit-rate.js';
import { parseRetryStatusCodes } from './politeness.js';
import { collectRepeated, toSessionOptions, type RawRequestFlags } from './request-flags.js';
import { toDistributedFlags } from '../worker/coordinator.js';
import type { DownloadOptions } from './run.js';

export const DEFAULT_JOBS = 16;
export const DEFAULT_RETRIES = 2;

interface RawDownloadOptions extends RawRequestFlags {
  output?: string;
  jobs: string;
  processes?: string;
  retries: string;
  resume?: boolean;
  manifest?: string;
  checksums?: string;
  maxPerHost?: string;
  retryOnHttpError?: string;
  wait?: string;
  limitRate?: string;
  contentDisposition?: boolean;
  quiet?: boolean;
  /** commander's negatable flag: false with --no-checksum. */
  checksum: boolean;
  redis?: string;
  queue?: string;
}

export function toDownloadOptions(list: string | undefined, raw: RawDownloadOptions): DownloadOptions {
  if (!raw.output) throw new UsageError('rf download needs an output directory: -o DIR');
  const options: DownloadOptions = {
    list: list ?? '-',
    outputDir: raw.output,
    jobs: parsePositiveInteger('-j', raw.jobs),
    retries: parseNonNegativeInteger('--retries', raw.retries),
    resume: raw.resume ?? false,
  };
  if (raw.processes !== undefined) options.processes = parseNonNegativeInteger('--processes', raw.processes);
  const distributed = toDistributedFlags(raw.redis, raw.queue);
  if (distributed !== undefined) {
    if (raw.processes !== undefined) throw new UsageError('--processes and --redis contradict each other: with --redis the downloads run on rf worker processes');
    options.distributed = distributed;
    // Workers write the files: a relative -o would mean each worker's own working directory.
    options.outputDir = resolve(raw.output);
  }
  if (raw.manifest !== undefined) options.manifestPath = raw.manifest;
  if (raw.maxPerHost !== undefined) options.perHostLimit = parsePositiveInteger('--max-per-host', raw.maxPerHost);
  if (raw.retryOnHttpError !== undefined) {
    if (options.retries === 0) throw new UsageError('--retry-on-http-error needs retries: it cannot be combined with --retries 0');
    options.retryStatusCodes = parseRetryStatusCodes('--retry-on-http-error', raw.retryOnHttpError);
  }
  if (raw.wait !== undefined) options.waitSeconds = parsePositiveSeconds('--wait', raw.wait);
  if (raw.limitRate !== undefined) options.maxBytesPerSecond = parseLimitRate('--limit-rate', raw.limitRate);
  if (raw.contentDisposition) {
    // Both look files up by the name given before the download, which the server's name replaces afterwards.
    if (options.resume) throw new UsageError('--content-disposition cannot be combined with --resume: a renamed file would not be found and kept');
    if (raw.checksums !== undefined) throw new UsageError('--content-disposition cannot be combined with --checksums, whose paths are the names before the rename (give sha256= in the list)');
    options.contentDisposition = true;
  }
  if (raw.quiet) options.quiet = true;
  const sessionOptions = toSessionOptions(raw);
  if (Object.keys(sessionOptions).length > 0) options.sessionOptions = sessionOptions;
  if (raw.checksums !== undefined) {
    if (raw.checksum === false) throw new UsageError('--checksums and --no-checksum contradict each other: digests cannot be checked without hashing');
    options.checksumsFile = raw.checksums;
  }
  if (raw.checksum === false) options.checksum = false;
  return options;
}

export function registerDownloadCommand(
  program: Command,
  io: CliIo,
  done: (exitCode: number) => void,
  signal?: AbortSignal,
): void {
  program
    .command('download')
    .description('download every URL of a list (one a line: URL, URL<TAB>path or URL<TAB>path<TAB>sha256=<hex>; indented out=, header=, checksum=sha-256= lines after a URL apply to it) into a directory')
    .argument('[FILE]', 'the URL list, or - for stdin', '-')
    .option('-o, --output <DIR>', 'directory to save into (created if missing)')
    .option('-j, --jobs <N>', 'concurrent downloads', String(DEFAULT_JOBS))
    .option('--processes <N>', 'run the downloads in N child processes (ProcessPoolExecutor); 0 = in this process (default: chosen from the cores, -j and the list, see README)')
    .option('--retries <N>', 'retries per URL (the core retry policy, exponential backoff from 0.5 s)', String(DEFAULT_RETRIES))
    .option('--resume', 'keep files already complete in DIR (size checked with the server, sha256 when given) and continue partial ones (Range)')
    .option('-q, --quiet', 'print only failures and the summary (no progress)')
    .option('--manifest <PATH>', 'write a JSON-lines manifest (url, path, status, bytes, sha256, error, elapsedMs)')
    .option('--timeout <S>', 'per-request timeout in seconds (connect and read)')
    .option('--connect-timeout <S>', 'seconds to establish a connection (overrides --timeout for that part)')
    .option('--read-timeout <S>', 'seconds without a byte from the server (overrides --timeout for that part)')
    .option('-H, --header <K: V>', 'send this header with every request (repeatable)', collectRepeated, [])
    .option('--user-agent <UA>', 'the User-Agent header')
    .option('--user <USER[:PASSWORD]>', 'HTTP Basic credentials (no prompt: a missing password is empty)')
    .option('--proxy <URL>', 'send every request through this http:// proxy (https targets through CONNECT)')
    .option('--insecure', 'do not verify TLS certificates')
    .option('--ca-certificate <PATH>', 'verify TLS certificates against this CA bundle (PEM) instead of the system\'s')
    .option('--max-filesize <SIZE>', 'fail a download whose body (decoded) grows past SIZE bytes (500k, 10M, 2G; k, M, G are powers of 1024): nothing is left under its name')
    .option('--max-per-host <N>', 'at most N downloads at once from one host (scheme://host:port); the others wait their turn')
    .option('--wait <S>', 'at least S seconds between the starts of two requests to one host')
    .option('--limit-rate <RATE>', 'at most RATE body bytes a second for the whole run, all downloads and processes together (500k, 10M; k, M, G are powers of 1024)')
    .option('--retry-on-http-error <CODES>', 'also retry these HTTP status codes (comma-separated, e.g. 500,502,504) besides 429 and 503, under --retries')
    .option('--content-disposition', 'name a file by the server\'s Content-Disposition filename (sanitized, in the URL\'s directory) when the list gives no path')
    .option('--checksums <FILE>', 'expected sha256 digests in sha256sum format ("<hex>  path"), path relative to DIR as in the manifest')
    .option('--redis <URL>', 'run the downloads on rf worker processes through this Redis server (with --queue); they write under the same absolute DIR on their machine')
    .option('--queue <NAME>', 'the BullMQ queue the rf workers consume (with --redis)')
    .option('--no-checksum', 'do not hash the downloads (the manifest\'s sha256 is null)')
    .action(async (list: string | undefined, raw: RawDownloadOptions) => {
      const options = toDownloadOptions(list, raw);
      if (signal) options.signal = signal;
      // The engine (core, got, tinypool) loads only once a download is asked for, not for --help.
      const { runDownload } = await import('./run.js');
      done(await runDownload(options, io));
    });
}
