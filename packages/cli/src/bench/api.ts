/**
 * `bench(options)`: rf bench for scripts. The options are rf bench's flags
 * under their long names and go through the same parser, so a script and the
 * command line mean the same thing; the result is the `--json` object
 * (environment included, with the equivalent rf command line).
 *
 *   const run = bench({ url, connections: 16, duration: '10s' });
 *   run.on('progress', (p) => console.log(p.elapsedMs, p.lastSecond, p.p99Ms));
 *   const report = await run;
 */
import { EventEmitter } from 'node:events';
import { UsageError } from '../errors.js';
import { DEFAULT_CLIENT, DEFAULT_CONNECTIONS, DEFAULT_REQUEST_TIMEOUT_SECONDS, runBench, toBenchOptions, type RawBenchOptions } from './command.js';
import type { LoadClientKind } from './load-spec.js';
import type { LoopProgress } from './load-loop.js';
import type { BenchReport } from './report.js';

export interface BenchApiOptions {
  /** The http(s) URL to load; with `script`, the target passed to each iteration (optional). */
  url?: string;
  /** A scenario module (path or file: URL), as `--script`. */
  script?: string;
  /** `-c`, default 10. */
  connections?: number;
  /** `-d`: seconds, or a string as on the command line ('10s', '500ms', '2m'); default 10 s. */
  duration?: number | string;
  /** `-n`: exactly this many requests (iterations with `script`) instead of a duration. */
  requests?: number;
  /** `-R`: requests (iterations) per second over all processes. */
  rate?: number;
  /** `--warmup`: seconds or a duration string. */
  warmup?: number | string;
  /** `--processes`. */
  processes?: number;
  /** `--redis`, with `queue`: the load runs on every rf worker connected to the queue. */
  redis?: string;
  /** `--queue`. */
  queue?: string;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  /** `--timeout`, seconds, default 10. */
  timeout?: number;
  client?: LoadClientKind;
  /** Ends the run early, as its deadline would: the result covers what ran. */
  signal?: AbortSignal;
}

const FLAGS: Record<Exclude<keyof BenchApiOptions, 'url' | 'signal'>, string> = {
  script: '--script',
  connections: '-c',
  duration: '-d',
  requests: '-n',
  rate: '-R',
  warmup: '--warmup',
  processes: '--processes',
  redis: '--redis',
  queue: '--queue',
  method: '--method',
  body: '--body',
  headers: '-H',
  timeout: '--timeout',
  client: '--client',
};
const KNOWN = new Set(['url', 'signal', ...Object.keys(FLAGS)]);

/** Bad options for bench(): named as the option, with the flag it stands for. */
export class BenchOptionsError extends UsageError {
  override name = 'BenchOptionsError';
}

export interface BenchRunEvents {
  /** Once a second of the counted run: elapsed, requests so far and in the last second, errors, p99 so far. */
  progress: [LoopProgress];
}

/** A running bench: an EventEmitter of 'progress', and a promise of the report (`await run`, or `run.report`). */
export class BenchRun extends EventEmitter<BenchRunEvents> implements PromiseLike<BenchReport> {
  readonly report: Promise<BenchReport>;

  constructor(start: (onSecond: (progress: LoopProgress) => void) => Promise<BenchReport>) {
    super();
    this.report = start((progress) => this.emit('progress', progress));
  }

  then<A = BenchReport, B = never>(onFulfilled?: ((report: BenchReport) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.report.then(onFulfilled, onRejected);
  }
}

/** Flags in the parser's messages become the option's name: "-c must be..." → "connections (-c) must be...". */
function renameFlags(message: string): string {
  let renamed = message;
  for (const [option, flag] of Object.entries(FLAGS)) {
    renamed = renamed.replace(new RegExp(`(^|[\\s(])${flag.replace(/[-]/g, '\\-')}(?=[\\s,]|$)`, 'g'), `$1${option} (${flag})`);
  }
  return `bench(): ${renamed}`;
}

function toRawOptions(options: BenchApiOptions): RawBenchOptions {
  const raw: RawBenchOptions = {
    connections: String(options.connections ?? DEFAULT_CONNECTIONS),
    method: options.method ?? 'GET',
    header: Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    timeout: String(options.timeout ?? DEFAULT_REQUEST_TIMEOUT_SECONDS),
    client: options.client ?? DEFAULT_CLIENT,
    progress: true,
  };
  if (options.duration !== undefined) raw.duration = String(options.duration);
  if (options.requests !== undefined) raw.requests = String(options.requests);
  if (options.rate !== undefined) raw.rate = String(options.rate);
  if (options.warmup !== undefined) raw.warmup = String(options.warmup);
  if (options.processes !== undefined) raw.processes = String(options.processes);
  if (options.redis !== undefined) raw.redis = String(options.redis);
  if (options.queue !== undefined) raw.queue = String(options.queue);
  if (options.body !== undefined) raw.body = options.body;
  if (options.script !== undefined) raw.script = options.script;
  return raw;
}

/** The rf command line that runs the same bench, for the report's environment. */
function equivalentCommand(options: BenchApiOptions): string[] {
  const command = ['bench', ...(options.url === undefined ? [] : [options.url])];
  for (const [option, flag] of Object.entries(FLAGS)) {
    const value = options[option as keyof typeof FLAGS];
    if (value === undefined) continue;
    if (option === 'headers') for (const [name, v] of Object.entries(value as Record<string, string>)) command.push(flag, `${name}: ${v}`);
    else command.push(flag, String(value));
  }
  return [...command, '--json'];
}

/**
 * Starts a bench. Throws BenchOptionsError at once for bad options; the run's
 * own failures (a scenario module that cannot load, a child that cannot
 * start) reject the report.
 */
export function bench(options: BenchApiOptions): BenchRun {
  if (typeof options !== 'object' || options === null) throw new BenchOptionsError(`bench(): options must be an object, got ${options === null ? 'null' : typeof options}`);
  const unknown = Object.keys(options).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) throw new BenchOptionsError(`bench(): unknown option ${unknown.map((k) => JSON.stringify(k)).join(', ')} (known: ${[...KNOWN].join(', ')})`);
  let parsed: ReturnType<typeof toBenchOptions>;
  try {
    parsed = toBenchOptions(options.url === undefined ? undefined : String(options.url), toRawOptions(options));
  } catch (error) {
    if (error instanceof UsageError) throw new BenchOptionsError(renameFlags(error.message), { cause: error });
    throw error;
  }
  return new BenchRun(async (onSecond) => {
    const report = await runBench(parsed, onSecond, options.signal);
    report.environment = (await import('./environment.js')).describeEnvironment(equivalentCommand(options));
    return report;
  });
}
