/**
 * `rf bench URL [-c N] [-d DURATION | -n REQUESTS] [-R RATE] [--warmup DURATION]
 *  [--processes N | --redis URL --queue NAME] [--method M] [--body B] [-H 'K: V']...
 *  [--client http|session] [--json] [--no-progress]`: a load generator, closed
 *  loop or constant rate; with --redis, spread over every connected rf worker.
 * `rf bench [URL] --script MODULE [...]`: the same, each unit of load an
 *  iteration of a scenario (scenario-client.ts).
 * `rf bench --compare a.json b.json`: the difference between two --json runs.
 */
import type { Command } from 'commander';
import { interruptedExitCode, UsageError } from '../errors.js';
import { writeLine, type CliIo } from '../io.js';
import { toDistributedFlags, type DistributedFlags } from '../worker/coordinator.js';
import { parseDurationMs, parseHeader, parsePositiveInteger, parsePositiveSeconds } from '../util/parse.js';
import { LOAD_CLIENT_KINDS, type LoadClientKind, type LoadSpec, type ScenarioSpec } from './load-spec.js';
import { scenarioModuleUrl } from './scenario-module.js';
import type { LoopProgress } from './load-loop.js';
import type { BenchReport } from './report.js';
import type { MergedLoad } from './coordinator.js';
import type { WorkerLoad } from './fleet-coordinator.js';

export const DEFAULT_CONNECTIONS = 10;
export const DEFAULT_DURATION = '10s';
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 10;
export const DEFAULT_CLIENT: LoadClientKind = 'http';

export interface BenchOptions {
  spec: LoadSpec;
  processes?: number;
  /** --redis/--queue: the load runs on every rf worker of the queue (fleet-coordinator.ts). */
  fleet?: DistributedFlags;
  json: boolean;
  progress: boolean;
}

export interface RawBenchOptions {
  connections: string;
  duration?: string;
  requests?: string;
  processes?: string;
  redis?: string;
  queue?: string;
  method: string;
  body?: string;
  header: string[];
  timeout: string;
  client: string;
  rate?: string;
  warmup?: string;
  compare?: string[];
  script?: string;
  json?: boolean;
  progress: boolean;
}

function parseRate(value: string): number {
  const rate = Number(value);
  if (value.trim() === '' || !Number.isFinite(rate) || rate <= 0) throw new UsageError(`-R must be a positive number of requests per second, got ${JSON.stringify(value)}`);
  return rate;
}

function parseClient(value: string): LoadClientKind {
  const kind = LOAD_CLIENT_KINDS.find((k) => k === value.trim().toLowerCase());
  if (kind === undefined) throw new UsageError(`--client must be one of ${LOAD_CLIENT_KINDS.join(', ')}, got ${JSON.stringify(value)}`);
  return kind;
}

function checkHttpUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`not a URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`not an http(s) URL: ${JSON.stringify(url)}`);
}

/** A scenario sends its own requests: the options that shape the one request rf would send mean nothing there. */
function scenarioOf(script: string, url: string | undefined, raw: RawBenchOptions): ScenarioSpec {
  if (raw.body !== undefined) throw new UsageError('--body has no meaning with --script: the scenario makes its own requests');
  if (raw.method.toUpperCase() !== 'GET') throw new UsageError('--method has no meaning with --script: the scenario makes its own requests');
  if (raw.client.trim().toLowerCase() !== DEFAULT_CLIENT) throw new UsageError('--client has no meaning with --script: a scenario always runs on a FuturesSession');
  return { moduleUrl: scenarioModuleUrl(script), ...(url === undefined ? {} : { target: url }), iterationOffset: 0, iterationStride: 1 };
}

export function toBenchOptions(url: string | undefined, raw: RawBenchOptions): BenchOptions {
  if (url === undefined && raw.script === undefined) throw new UsageError('rf bench needs a URL (or --script MODULE, or --compare a.json b.json)');
  if (url !== undefined) checkHttpUrl(url);
  if (raw.duration !== undefined && raw.requests !== undefined) throw new UsageError('give -d DURATION or -n REQUESTS, not both');
  const scenario = raw.script === undefined ? undefined : scenarioOf(raw.script, url, raw);
  const spec: LoadSpec = {
    url: url ?? '',
    method: scenario ? '' : raw.method.toUpperCase(),
    headers: Object.fromEntries(raw.header.map(parseHeader)),
    connections: parsePositiveInteger('-c', raw.connections),
    timeoutSeconds: parsePositiveSeconds('--timeout', raw.timeout),
    client: parseClient(raw.client),
  };
  if (scenario) spec.scenario = scenario;
  if (raw.body !== undefined) spec.body = raw.body;
  if (raw.rate !== undefined) spec.rate = parseRate(raw.rate);
  if (raw.warmup !== undefined) spec.warmupMs = parseDurationMs('--warmup', raw.warmup);
  if (raw.requests !== undefined) spec.requests = parsePositiveInteger('-n', raw.requests);
  else spec.durationMs = parseDurationMs('-d', raw.duration ?? DEFAULT_DURATION);
  const options: BenchOptions = { spec, json: raw.json ?? false, progress: raw.progress };
  const fleet = toDistributedFlags(raw.redis, raw.queue);
  if (fleet !== undefined && raw.processes !== undefined) throw new UsageError("--processes has no meaning with --redis: each rf worker runs its share over its own --processes");
  if (fleet !== undefined) options.fleet = fleet;
  if (raw.processes !== undefined) options.processes = parsePositiveInteger('--processes', raw.processes);
  return options;
}

export async function runBench(options: Pick<BenchOptions, 'spec' | 'processes' | 'fleet'>, onSecond?: (progress: LoopProgress) => void, stop?: AbortSignal): Promise<BenchReport> {
  // The engine and the histogram load only when a bench runs, not for --help or a download.
  const [{ runLoadInProcess, runLoadInProcesses }, { buildBenchReport }] = await Promise.all([import('./coordinator.js'), import('./report.js')]);
  const { spec, processes, fleet } = options;
  // Loaded here first, so a bad module fails before any child starts, with what was wrong.
  if (spec.scenario) await (await import('./scenario-module.js')).loadScenario(spec.scenario.moduleUrl);
  const control = { ...(onSecond ? { onSecond } : {}), ...(stop ? { stop } : {}) };
  let load: MergedLoad;
  let workers: WorkerLoad[] | undefined;
  if (fleet !== undefined) ({ load, workers } = await (await import('./fleet-coordinator.js')).runLoadOnFleet(spec, fleet, control));
  else load = processes === undefined ? await runLoadInProcess(spec, control) : await runLoadInProcesses(spec, processes, control);
  return buildBenchReport(load, {
    interrupted: stop?.aborted ?? false,
    url: spec.url,
    method: spec.method,
    connections: spec.connections,
    mode: fleet !== undefined ? 'distributed' : processes === undefined ? 'in-process' : 'processes',
    ...(workers === undefined ? {} : { workers }),
    client: spec.client,
    ...(spec.rate === undefined ? {} : { rate: spec.rate }),
    ...(spec.warmupMs === undefined ? {} : { warmupMs: spec.warmupMs }),
    ...(spec.scenario ? { scenarioModule: spec.scenario.moduleUrl } : {}),
  });
}

/**
 * Exit code 1 only when nothing was answered at all: errors under load are
 * results, not failures of the tool. A run cut short by a signal exits as the
 * shell expects (130 for Ctrl-C, 143 for SIGTERM), after its partial report.
 */
export function benchExitCode(report: BenchReport, signal?: AbortSignal): number {
  if (report.interrupted && signal?.aborted) return interruptedExitCode(signal);
  return report.responses === 0 ? 1 : 0;
}

async function printComparison(files: string[], io: CliIo): Promise<void> {
  if (files.length !== 2) throw new UsageError(`--compare takes exactly two --json files, got ${files.length}`);
  const { compareReports, formatComparison, readBenchReport } = await import('./compare.js');
  const [a, b] = await Promise.all(files.map(readBenchReport));
  writeLine(io.stdout, formatComparison(compareReports(a!, b!), [files[0]!, files[1]!]));
}

/** rf's arguments as given: commander keeps them on the program, though its types do not say so. */
function commandLine(command: Command): string[] {
  const raw = (command.parent as unknown as { rawArgs?: unknown } | null)?.rawArgs;
  return Array.isArray(raw) ? raw.map(String) : ['bench', ...command.args];
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `signal`: Ctrl-C or SIGTERM (rf.ts); it ends the run as its deadline would, and the partial report is printed. */
export function registerBenchCommand(program: Command, io: CliIo, done: (exitCode: number) => void, signal?: AbortSignal): void {
  program
    .command('bench')
    .description('load-test a URL: requests/s, latency percentiles, status codes, errors')
    .argument('[URL]', 'the http(s) URL to load')
    .option('-c, --connections <N>', 'requests in flight at once', String(DEFAULT_CONNECTIONS))
    .option('-d, --duration <DURATION>', `run this long: 10, 10s, 500ms, 2m (default ${DEFAULT_DURATION})`)
    .option('-n, --requests <N>', 'send exactly this many requests instead of running for a duration')
    .option('-R, --rate <N>', 'constant rate: N requests per second over all connections and processes; latency counts from each due time (coordinated omission corrected, as wrk2)')
    .option('--warmup <DURATION>', 'send load for this long first, not counted')
    .option('--processes <N>', 'generate the load from N child processes (ProcessPoolExecutor), started together')
    .option('--redis <URL>', 'generate the load from every rf worker connected to --queue through this Redis server, started together, histograms merged')
    .option('--queue <NAME>', 'the queue whose rf workers share the load (with --redis)')
    .option('--client <KIND>', `what sends the requests: http (keep-alive sockets, http-parser-js; node:http for https, fast) or session (FuturesSession per request, measures requests-futures)`, DEFAULT_CLIENT)
    .option('-m, --method <M>', 'HTTP method', 'GET')
    .option('-b, --body <B>', 'request body')
    .option('-H, --header <K: V>', 'request header (repeatable)', collect, [] as string[])
    .option('--timeout <S>', 'per-request timeout in seconds', String(DEFAULT_REQUEST_TIMEOUT_SECONDS))
    .option('--json', 'print the result as JSON, with the command line, versions, machine and the encoded histograms')
    .option('--no-progress', 'no progress line each second on stderr')
    .option('--script <MODULE>', 'each unit of load is an iteration of this scenario: its default export (session, iteration, target) makes the requests, counted by name (session.get(url, { name })); URL, if given, is the target')
    .option('--compare <FILES...>', 'compare two --json results, a.json b.json (Welch t-test on requests/s and latency) instead of running')
    .action(async (url: string | undefined, raw: RawBenchOptions, command: Command) => {
      if (raw.compare !== undefined) {
        if (url !== undefined) throw new UsageError('--compare takes two --json files and no URL');
        await printComparison(raw.compare, io);
        done(0);
        return;
      }
      const options = toBenchOptions(url, raw);
      const [{ createProgressPrinter }, { formatBenchReport }, { describeEnvironment }] = await Promise.all([
        import('./progress.js'),
        import('./report.js'),
        import('./environment.js'),
      ]);
      const progress = options.progress ? createProgressPrinter(io.stderr) : undefined;
      const report = await runBench(options, progress?.onSecond, signal);
      progress?.end();
      if (options.json) report.environment = describeEnvironment(commandLine(command));
      writeLine(io.stdout, options.json ? JSON.stringify(report, null, 2) : formatBenchReport(report));
      done(benchExitCode(report, signal));
    });
}
