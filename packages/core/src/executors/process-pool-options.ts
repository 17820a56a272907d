/**
 * ProcessPoolExecutor's options, their defaults, and their validation: a wrong
 * value is refused at construction with a RangeError naming the option, not
 * discovered later inside tinypool.
 */
import { availableParallelism } from 'node:os';
import { assertKnownOptions, type OptionNames } from './option-names.js';
import { checkMaxBytesPerSecond } from './token-bucket.js';

export interface ProcessPoolExecutorOptions {
  /**
   * Child processes. Default: `os.availableParallelism()` (Python: the CPU count).
   * At most MAX_PROCESS_WORKERS (256): each child is a Node process (~50 MB).
   */
  maxWorkers?: number;
  /**
   * Tasks one child runs at once. Default 8: a request spends its time waiting
   * on the network, so one Node process drives many sockets; 8 keeps a child's
   * share of response bodies in memory bounded and matches the in-process
   * default of 8 requests at a time.
   */
  concurrencyPerWorker?: number;
  /** A child retires (gracefully, after its running tasks reply) once it has started this many tasks. */
  maxTasksPerChild?: number;
  /** A child retires (gracefully) once its resident memory exceeds this many MiB after a task. */
  maxMemoryPerChildMb?: number;
  /**
   * Milliseconds the whole pool may sit without tasks before its children exit;
   * the next task starts fresh ones. Default: children live until shutdown().
   */
  idleTimeout?: number;
  /**
   * Seconds a child holding tasks may go without a sign of life (a busy child
   * sends a heartbeat every quarter of this) before it counts as stopped or
   * wedged: it is killed (SIGKILL) and the tasks it had started fail with
   * BrokenProcessPool naming it unresponsive, within 1.25 × this. Default 20,
   * at least 1. A child still starting sends nothing: one that holds tasks
   * and has not said it is ready within 3 × this is killed too, and its tasks
   * go to another child (BrokenProcessPool after three such children, as for
   * children that die before a task starts). Whatever blocks a child's event
   * loop counts as silence, e.g. its first import of a TypeScript module
   * through tsx (a second or more on a loaded machine): keep it well above
   * such pauses. `Infinity` turns the check off (e.g. while a debugger pauses
   * children).
   */
  heartbeatTimeout?: number;
  /** Added to (and overriding) `process.env` for the children; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /**
   * Node flags for the children. Default: this process's flags minus debugger flags (their ports would clash) and an inline `-e`/`-p` script.
   * Either way `--max-semi-space-size=32` comes first unless the flags or the children's NODE_OPTIONS set it (see YOUNG_GENERATION_FLAG).
   */
  execArgv?: string[];
  /**
   * At most this many response-body bytes a second across every child
   * (after decompression; default: no limit). One token bucket in the
   * coordinator; children ask it for grants in batches (64 KiB, or 1/50 s of
   * the rate when more) over their IPC lane, and a reader beyond its grant
   * pauses its socket until the next one.
   */
  maxBytesPerSecond?: number;
}

export interface ResolvedProcessPoolOptions {
  readonly maxWorkers: number;
  readonly concurrencyPerWorker: number;
  readonly maxTasksPerChild: number | undefined;
  readonly maxMemoryPerChildMb: number | undefined;
  readonly idleTimeout: number | undefined;
  /** heartbeatTimeout in milliseconds; undefined: no liveness check. */
  readonly heartbeatTimeoutMs: number | undefined;
  readonly env: Record<string, string>;
  readonly execArgv: string[];
  readonly maxBytesPerSecond: number | undefined;
}

export const DEFAULT_CONCURRENCY_PER_WORKER = 8;

/**
 * The most children one executor may have. All of them start with the pool,
 * each a Node process of about 50 MB: a typo such as 1e6 would fork until the
 * machine gives out. 256 is far beyond what a pool of I/O-bound children
 * needs (each already runs `concurrencyPerWorker` requests at once).
 */
export const MAX_PROCESS_WORKERS = 256;

export const DEFAULT_HEARTBEAT_TIMEOUT_SECONDS = 20;
/**
 * Below this, a healthy child is taken for a dead one: with 0.2 s, busy
 * children were killed as unresponsive in a small-GET benchmark on a 2-core
 * machine at load 15 (a process waits that long for a CPU, or for a GC).
 */
const MIN_HEARTBEAT_TIMEOUT_SECONDS = 1;

/** setTimeout's ceiling; a larger idleTimeout would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const OPTION_NAMES: OptionNames<ProcessPoolExecutorOptions> = {
  maxWorkers: true,
  concurrencyPerWorker: true,
  maxTasksPerChild: true,
  maxMemoryPerChildMb: true,
  idleTimeout: true,
  heartbeatTimeout: true,
  env: true,
  execArgv: true,
  maxBytesPerSecond: true,
};

/**
 * A number is the worker count (Python's ProcessPoolExecutor(2)).
 * @throws TypeError for an unknown option name (naming the closest known one) or a mistyped value; RangeError for a value out of range, or for children's flags they cannot start with.
 */
export function resolveProcessPoolOptions(given: ProcessPoolExecutorOptions | number = {}): ResolvedProcessPoolOptions {
  const options = typeof given === 'number' ? { maxWorkers: given } : given;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`ProcessPoolExecutor: options must be an object or a worker count, got ${String(options)}`);
  }
  assertKnownOptions(options, OPTION_NAMES, 'ProcessPoolExecutor');
  const idleTimeout = optionalPositiveInteger('idleTimeout', options.idleTimeout);
  if (idleTimeout !== undefined && idleTimeout > MAX_TIMER_MS) {
    throw new RangeError(`ProcessPoolExecutor: idleTimeout must be at most ${MAX_TIMER_MS} ms, got ${idleTimeout}`);
  }
  const env = childEnv(options.env);
  const maxWorkers = optionalPositiveInteger('maxWorkers', options.maxWorkers) ?? Math.min(availableParallelism(), MAX_PROCESS_WORKERS);
  if (maxWorkers > MAX_PROCESS_WORKERS) {
    throw new RangeError(`ProcessPoolExecutor: maxWorkers must be at most ${MAX_PROCESS_WORKERS} (one child process each), got ${maxWorkers}`);
  }
  return {
    maxWorkers,
    concurrencyPerWorker: optionalPositiveInteger('concurrencyPerWorker', options.concurrencyPerWorker) ?? DEFAULT_CONCURRENCY_PER_WORKER,
    maxTasksPerChild: optionalPositiveInteger('maxTasksPerChild', options.maxTasksPerChild),
    maxMemoryPerChildMb: optionalPositiveInteger('maxMemoryPerChildMb', options.maxMemoryPerChildMb),
    idleTimeout,
    heartbeatTimeoutMs: heartbeatTimeoutMs(options.heartbeatTimeout),
    env,
    execArgv: childExecArgv(options.execArgv, env.NODE_OPTIONS),
    maxBytesPerSecond: checkMaxBytesPerSecond(options.maxBytesPerSecond, 'ProcessPoolExecutor'),
  };
}

function optionalPositiveInteger(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`ProcessPoolExecutor: ${name} must be an integer >= 1, got ${describe(value)}`);
  }
  return value;
}

function heartbeatTimeoutMs(seconds: unknown): number | undefined {
  if (seconds === undefined) return DEFAULT_HEARTBEAT_TIMEOUT_SECONDS * 1000;
  if (seconds === Infinity) return undefined;
  if (typeof seconds !== 'number') throw new TypeError(`ProcessPoolExecutor: heartbeatTimeout must be a number of seconds, got ${describe(seconds)}`);
  if (!(seconds >= MIN_HEARTBEAT_TIMEOUT_SECONDS) || seconds * 1000 > MAX_TIMER_MS) {
    throw new RangeError(
      `ProcessPoolExecutor: heartbeatTimeout must be between ${MIN_HEARTBEAT_TIMEOUT_SECONDS} and ${MAX_TIMER_MS / 1000} seconds (or Infinity), got ${describe(seconds)}`,
    );
  }
  return Math.round(seconds * 1000);
}

/** A child gets no environment unless given one (not even PATH): pass ours, then the overrides. */
function childEnv(overrides: Record<string, string | undefined> | undefined): Record<string, string> {
  if (overrides !== undefined && (typeof overrides !== 'object' || overrides === null)) {
    throw new RangeError(`ProcessPoolExecutor: env must be an object of strings, got ${describe(overrides)}`);
  }
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...process.env, ...overrides })) {
    if (value === undefined) continue; // fork() would pass the string "undefined"
    if (typeof value !== 'string') throw new RangeError(`ProcessPoolExecutor: env.${name} must be a string, got ${describe(value)}`);
    env[name] = value;
  }
  return env;
}

const DEBUGGER_FLAG = /^--(inspect|inspect-brk|inspect-port|inspect-wait|debug|debug-brk|debug-port)(=|$)/;
/** Flags whose next argument belongs to the parent's inline script (`node --input-type module -e "..."`). */
const SCRIPT_FLAGS = new Set(['-e', '--eval', '-p', '--print', '-pe', '-ep', '--input-type']);
const INLINE_SCRIPT_FLAG = /^--(eval|print|input-type)=/;

/**
 * The parent's flags a child inherits: not its debugger flags (their ports
 * would clash), and not an inline script: a child given `-e <script>` runs the
 * parent's script instead of the worker entry, and each such child would start
 * pools of its own (`--input-type` goes too: node refuses it without one).
 */
export function inheritedExecArgv(flags: readonly string[]): string[] {
  const inherited: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i]!;
    if (SCRIPT_FLAGS.has(flag)) {
      i += 1; // and the script itself
      continue;
    }
    if (INLINE_SCRIPT_FLAG.test(flag) || DEBUGGER_FLAG.test(flag)) continue;
    inherited.push(flag);
  }
  return inherited;
}

/**
 * A child allocates a few short-lived objects per request (options, headers,
 * chunks, its reply) and scavenges often: V8's default 16 MiB semi-space
 * made GC about 15 % of a child's CPU on small GETs. Doubled, a child's
 * throughput rose 7 % (median of 5 interleaved pairs, 2,624 -> 2,808 req/s;
 * 64 MiB gave about as much), at the price of at most 32 MiB more young
 * generation per child, used only while its scavenges keep objects alive.
 */
export const YOUNG_GENERATION_FLAG = '--max-semi-space-size=32';

const SEMI_SPACE_FLAG = /(^|\s)--max[-_]semi[-_]space[-_]size\b/;

/**
 * tinypool's child entry imports the worker entry through `new Function`: a
 * child started with this flag (a hardened coordinator's, inherited) dies
 * before it can start, and every task would fail with BrokenProcessPool.
 */
const NO_CODE_FROM_STRINGS_FLAG = /(^|\s)--disallow[-_]code[-_]generation[-_]from[-_]strings\b/;

/** The children's flags; the young-generation flag leads unless they, or the children's NODE_OPTIONS, set their own. */
function childExecArgv(execArgv: string[] | undefined, nodeOptions: string | undefined): string[] {
  const flags = execArgv === undefined ? inheritedExecArgv(process.execArgv) : validExecArgv(execArgv);
  const where = codeFromStringsBarredIn(flags, execArgv !== undefined, nodeOptions);
  if (where !== undefined) {
    throw new RangeError(
      `ProcessPoolExecutor: the children cannot start with --disallow-code-generation-from-strings (in ${where}): ` +
        'tinypool, their process runtime, loads the worker through new Function. Pass execArgv (and env.NODE_OPTIONS) without it',
    );
  }
  const setByUser = flags.some((flag) => SEMI_SPACE_FLAG.test(flag)) || SEMI_SPACE_FLAG.test(nodeOptions ?? '');
  return setByUser ? flags : [YOUNG_GENERATION_FLAG, ...flags];
}

/** Where the children's flags bar code from strings, or undefined. */
function codeFromStringsBarredIn(flags: readonly string[], execArgvGiven: boolean, nodeOptions: string | undefined): string | undefined {
  if (flags.some((flag) => NO_CODE_FROM_STRINGS_FLAG.test(flag))) return execArgvGiven ? 'execArgv' : "this process's flags, which the children inherit";
  if (NO_CODE_FROM_STRINGS_FLAG.test(nodeOptions ?? '')) return "the children's NODE_OPTIONS";
  return undefined;
}

function validExecArgv(execArgv: unknown): string[] {
  if (!Array.isArray(execArgv) || execArgv.some((flag) => typeof flag !== 'string')) {
    throw new RangeError(`ProcessPoolExecutor: execArgv must be an array of strings, got ${describe(execArgv)}`);
  }
  return [...(execArgv as string[])];
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
