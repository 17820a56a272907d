/** @requests-futures/cli as a library: the CLI in-process, and its commands as functions. */
export { runCli, buildProgram, EXIT_USAGE, type RunCliOptions } from './program.js';
export { UsageError, PathOutsideDirectoryError } from './errors.js';
export type { CliIo } from './io.js';
export { runDownload, EXIT_OK, EXIT_FAILURES, EXIT_INTERRUPTED, type DownloadOptions } from './download/run.js';
export { readUrlList, parseUrlListLine, type UrlListEntry, type BadLine } from './download/input.js';
export { PathAllocator, pathFromUrl, sanitizeRelativePath, sanitizeSegment, pathEscapesDirectory } from './download/paths.js';
export { ManifestWriter, type ManifestEntry } from './download/manifest.js';
export { runBench, toBenchOptions, type BenchOptions } from './bench/command.js';
export type { BenchReport } from './bench/report.js';
