/**
 * `rf bench` (our load generator: in-process, and `--processes 2`, one long
 * loop task per child through ProcessPoolExecutor) next to autocannon, each
 * tool a fresh process started the same way (`node <its bin>`), same URL,
 * same connections, same duration, the arms interleaved by the harness; wrk
 * against the same server is the ceiling. Two targets: the JSON server
 * (node:http, its own process) and Debian's nginx serving a small file.
 *
 * Both tools time themselves (rf's `durationMs`: from the start signal all its
 * children wait for to the end of -d; autocannon's `duration`), so neither
 * tool's process start-up is counted, as wrk's is not.
 *
 * On a 2-core machine the server takes one core, so a second load process
 * mostly competes with the server and the first one: `--processes 2` shows
 * its worth only where the server has cores to spare.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Arm } from '../arm.js';
import { wrkArm } from '../arms/wrk-arm.js';
import { UnexpectedResponseError } from '../arms/unexpected-response.js';
import { AUTOCANNON } from '../baselines.js';
import { runCommand } from '../proc/run-command.js';
import type { ScenarioDefinition } from './context.js';

export const RF_BENCH_VS_AUTOCANNON_ID = 'rf-bench-vs-autocannon';
const CONNECTIONS = 16;
/**
 * Seconds of load per measured run. Full runs only (or `--only`): measured, 1 s
 * runs gave rf 0.23–0.41× autocannon against 0.70–0.72× over 5 s, i.e. they
 * measured rf's JIT ramp-up, not its rate, and a quick run has no time for more.
 */
const FULL_SECONDS = 5;
const QUICK_SECONDS = 2;
/** Each rf run is a fresh process and autocannon has nothing to warm: a short warm-up only warms the server. */
const WARM_UP_SECONDS = 0.5;

/** The shipped bin (bundled), as a user runs it. */
const RF_CLI = fileURLToPath(new URL('../../../packages/cli/bundle/rf.cjs', import.meta.url));

// ---- autocannon (its CLI, a child process) ----

/** The fields of `autocannon --json` this scenario reads. */
interface AutocannonResult {
  /** Seconds, measured by autocannon. */
  duration: number;
  requests: { total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

const AUTOCANNON_BIN = join(dirname(createRequire(import.meta.url).resolve('autocannon/package.json')), 'autocannon.js');

export class AutocannonOutputError extends Error {
  override readonly name = 'AutocannonOutputError';

  constructor(stdout: string) {
    super(`autocannon --json printed no result; stdout was: ${stdout.trim().slice(-300) || '(empty)'}`);
  }
}

function autocannonArm(url: string, seconds: number): Arm {
  const measure = async (duration: number) => {
    const result = await runCommand(process.execPath, [AUTOCANNON_BIN, '-c', String(CONNECTIONS), '-d', String(duration), '--json', url], { timeoutSeconds: duration + 60 });
    let parsed: AutocannonResult;
    try {
      parsed = JSON.parse(result.stdout) as AutocannonResult;
    } catch {
      throw new AutocannonOutputError(result.stdout);
    }
    const failures = parsed.errors + parsed.timeouts + parsed.non2xx;
    if (failures > 0) throw new UnexpectedResponseError(AUTOCANNON, url, `${parsed.non2xx} non-2xx, ${parsed.errors} errors, ${parsed.timeouts} timeouts`);
    return { requests: parsed.requests.total, seconds: parsed.duration, peakRssMb: result.peakRssMb };
  };
  return {
    name: AUTOCANNON,
    detail: `its CLI in a fresh process, ${CONNECTIONS} connections, ${seconds} s`,
    run: () => measure(seconds),
    warmUp: () => measure(WARM_UP_SECONDS),
  };
}

// ---- rf bench (our CLI, a child process) ----

/** The fields of `rf bench --json` this scenario relies on (packages/cli/src/bench/report.ts). */
interface RfBenchReport {
  requests: number;
  responses: number;
  durationMs: number;
  /** Child processes that generated the load. */
  processes: number;
  /** 'http' unless --client says otherwise. */
  client: string;
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
}

export class RfBenchOutputError extends Error {
  override readonly name = 'RfBenchOutputError';

  constructor(stdout: string) {
    super(`rf bench --json printed no report; stdout was: ${stdout.trim().slice(-300) || '(empty)'}`);
  }
}

/** rf bench ran, but not as asked (fewer children, another client): its figure would not belong in this row. */
export class RfBenchSetupError extends Error {
  override readonly name = 'RfBenchSetupError';

  constructor(arm: string, report: Pick<RfBenchReport, 'processes' | 'client'>, processes: number) {
    super(`${arm}: ran ${report.processes} child processes with the ${report.client} client, expected ${processes} with http`);
  }
}

export function parseRfBenchReport(stdout: string): RfBenchReport {
  let parsed: Partial<RfBenchReport>;
  try {
    parsed = JSON.parse(stdout) as Partial<RfBenchReport>;
  } catch {
    throw new RfBenchOutputError(stdout);
  }
  const { requests, responses, durationMs, processes, client, statusCodes, errors } = parsed;
  if (
    typeof requests !== 'number' ||
    typeof responses !== 'number' ||
    typeof durationMs !== 'number' ||
    typeof processes !== 'number' ||
    typeof client !== 'string' ||
    !statusCodes ||
    !errors
  ) {
    throw new RfBenchOutputError(stdout);
  }
  return { requests, responses, durationMs, processes, client, statusCodes, errors };
}

/** `processes` 0: the load runs in rf itself (no --processes). */
function rfBenchArm(url: string, processes: number, seconds: number): Arm {
  const name = processes === 0 ? 'rf bench' : `rf bench --processes ${processes}`;
  const measure = async (duration: number) => {
    const args = [RF_CLI, 'bench', url, '-c', String(CONNECTIONS), '-d', `${duration}s`, '--json', '--no-progress', ...(processes === 0 ? [] : ['--processes', String(processes)])];
    // The harness runs under tsx; rf is compiled JavaScript and needs none of its flags.
    const result = await runCommand(process.execPath, args, { timeoutSeconds: duration + 60 });
    const report = parseRfBenchReport(result.stdout);
    const unexpected = Object.entries(report.statusCodes).filter(([code]) => !code.startsWith('2'));
    const errorCount = Object.values(report.errors).reduce((sum, n) => sum + n, 0);
    if (unexpected.length > 0 || errorCount > 0) {
      throw new UnexpectedResponseError(name, url, `statuses ${JSON.stringify(report.statusCodes)}, errors ${JSON.stringify(report.errors)}`);
    }
    // A figure from fewer children, or from another client, would answer a different question.
    if (report.processes !== processes || report.client !== 'http') throw new RfBenchSetupError(name, report, processes);
    return { requests: report.responses, seconds: report.durationMs / 1000, peakRssMb: result.peakRssMb };
  };
  return {
    name,
    detail: `${processes === 0 ? 'in-process' : `${processes} child processes`} (keep-alive sockets), -c ${CONNECTIONS} -d ${seconds}s`,
    skip: existsSync(RF_CLI) ? undefined : `${RF_CLI} not built (run \`pnpm build\`)`,
    run: () => measure(seconds),
    warmUp: () => measure(WARM_UP_SECONDS),
  };
}

function arms(url: string, seconds: number): Arm[] {
  return [autocannonArm(url, seconds), rfBenchArm(url, 0, seconds), rfBenchArm(url, 2, seconds), wrkArm(url, CONNECTIONS, seconds)];
}

export const rfBenchVsAutocannon: ScenarioDefinition = {
  id: RF_BENCH_VS_AUTOCANNON_ID,
  fullOnly: true,
  async build(context) {
    const server = await context.jsonServer();
    const seconds = context.quick ? QUICK_SECONDS : FULL_SECONDS;
    return {
      id: RF_BENCH_VS_AUTOCANNON_ID,
      title: `Load generation: rf bench vs autocannon, ${CONNECTIONS} connections for ${seconds} s, node:http server`,
      description: `GET of a ${server.smallBytes}-byte JSON from a node:http server in its own process, closed loop; each tool a fresh process, its own request count and clock`,
      primary: 'reqPerSec',
      repetitions: context.repetitions,
      arms: arms(server.smallUrl, seconds),
    };
  },
};

export const RF_BENCH_VS_AUTOCANNON_NGINX_ID = 'rf-bench-vs-autocannon-nginx';
export const RF_BENCH_VS_AUTOCANNON_NGINX2_ID = 'rf-bench-vs-autocannon-nginx2';

/**
 * nginx with `workers` worker processes. With one (the default), three busy
 * processes under `--processes 2` (nginx's worker and two children) share 2
 * cores: the scheduler gives each about 2/3 of a core, so the single nginx
 * worker, not rf, sets the rate. With two workers nginx can use a core
 * whichever client runs, and a single-process client is then held to its
 * share: the row that shows what `--processes 2` is for.
 */
function nginxScenario(id: string, workers: number): ScenarioDefinition {
  return {
    id,
    fullOnly: true,
    async build(context) {
      const served = await context.filesOverNginx({ name: 'bench-small', count: 1, sizeBytes: 64 }, { workerProcesses: workers });
      if ('skip' in served) return served;
      const seconds = context.quick ? QUICK_SECONDS : FULL_SECONDS;
      const nginx = workers === 1 ? 'nginx' : `nginx with ${workers} workers`;
      return {
        id,
        title: `Load generation: rf bench vs autocannon, ${CONNECTIONS} connections for ${seconds} s, ${nginx}`,
        description: `GET of a 64-byte file from Debian nginx (worker_processes ${workers}), closed loop; each tool a fresh process, its own request count and clock`,
        primary: 'reqPerSec',
        repetitions: context.repetitions,
        arms: arms(served.urls[0]!, seconds),
      };
    },
  };
}

export const rfBenchVsAutocannonNginx = nginxScenario(RF_BENCH_VS_AUTOCANNON_NGINX_ID, 1);
export const rfBenchVsAutocannonNginx2 = nginxScenario(RF_BENCH_VS_AUTOCANNON_NGINX2_ID, 2);
