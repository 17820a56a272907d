/** @requests-futures/cli as a library: the CLI in-process, and its commands as functions. */
export { runCli, buildProgram, EXIT_USAGE, type RunCliOptions } from './program.js';
export { UsageError, PathOutsideDirectoryError } from './errors.js';
export type { CliIo } from './io.js';
export { runDownload, EXIT_OK, EXIT_FAILURES, EXIT_INTERRUPTED, type DownloadOptions } from './download/run.js';
export { readUrlList, parseUrlListLine, type UrlListEntry, type BadLine } from './download/input.js';
export { PathAllocator, pathFromUrl, sanitizeRelativePath, sanitizeSegment, pathEscapesDirectory } from './download/paths.js';
export { ManifestWriter, type ManifestEntry } from './download/manifest.js';
export { runBench, toBenchOptions, type BenchOptions } from './bench/command.js';
export type { BenchReport, WorkerSummary as BenchWorkerSummary } from './bench/report.js';
export { LoadStartError, WorkerLoadError } from './bench/errors.js';
export { bench, BenchRun, BenchOptionsError, type BenchApiOptions, type BenchRunEvents } from './bench/api.js';
export type { LoopProgress as BenchProgress } from './bench/load-loop.js';
export { ScenarioModuleError, type ScenarioIteration } from './bench/scenario-module.js';
export type { ScenarioSession, ScenarioRequestOptions } from './bench/scenario-session.js';
export type { NamedRequestSummary } from './bench/named-requests.js';
