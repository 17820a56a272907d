/**
 * `rf download [FILE|-] -o DIR [-j N] [--processes N] [--retries N] [--resume]
 *  [--manifest PATH] [--timeout S]`: the command line, validated into DownloadOptions.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { parseNonNegativeInteger, parsePositiveInteger, parsePositiveSeconds } from '../util/parse.js';
import type { DownloadOptions } from './run.js';

export const DEFAULT_JOBS = 16;
export const DEFAULT_RETRIES = 2;

interface RawDownloadOptions {
  output?: string;
  jobs: string;
  processes?: string;
  retries: string;
  resume?: boolean;
  manifest?: string;
  timeout?: string;
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
  if (raw.manifest !== undefined) options.manifestPath = raw.manifest;
  if (raw.timeout !== undefined) options.timeoutSeconds = parsePositiveSeconds('--timeout', raw.timeout);
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
    .description('download every URL of a list (one a line, optionally URL<TAB>path) into a directory')
    .argument('[FILE]', 'the URL list, or - for stdin', '-')
    .option('-o, --output <DIR>', 'directory to save into (created if missing)')
    .option('-j, --jobs <N>', 'concurrent downloads', String(DEFAULT_JOBS))
    .option('--processes <N>', 'run the downloads in N child processes (ProcessPoolExecutor); 0 = in this process (default: chosen from the cores, -j and the list, see README)')
    .option('--retries <N>', 'retries per URL (the core retry policy, exponential backoff from 0.5 s)', String(DEFAULT_RETRIES))
    .option('--resume', 'keep files already complete in DIR (from an earlier run) and continue partial ones (Range)')
    .option('--manifest <PATH>', 'write a JSON-lines manifest (url, path, status, bytes, sha256, error, elapsedMs)')
    .option('--timeout <S>', 'per-request timeout in seconds (connect and read)')
    .action(async (list: string | undefined, raw: RawDownloadOptions) => {
      const options = toDownloadOptions(list, raw);
      if (signal) options.signal = signal;
      // The engine (core, got, tinypool) loads only once a download is asked for, not for --help.
      const { runDownload } = await import('./run.js');
      done(await runDownload(options, io));
    });
}
