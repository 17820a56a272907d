/**
 * `rf bench` (our load generator, `--processes 1` and `--processes 2`: one
 * long loop task per child through ProcessPoolExecutor, each driving its share
 * of the connections with a keep-alive node:http agent) next to autocannon (its
 * programmatic API, in this process), same URL on the same server (the JSON
 * server, in its own process), same connections and duration. The ratio
 * column "× autocannon" says how much load rf generates per second relative
 * to a purpose-built HTTP benchmarking client.
 *
 * Both tools time themselves (rf's `durationMs`: from the start signal all its
 * children wait for to the last answer; autocannon's `duration`), so rf's
 * process and child start-up are not counted, as wrk's is not in small-gets.
 *
 * On a 2-core machine the server takes one core, so a second load process
 * mostly competes with the server and the first one: `--processes 2` shows
 * its worth only where the server has cores to spare.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Arm } from '../arm.js';
import { measureInProcess } from '../arms/timing.js';
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

const RF_CLI = fileURLToPath(new URL('../../../packages/cli/dist/rf.js', import.meta.url));

// ---- autocannon (CommonJS, untyped: the few fields we read are typed here) ----

interface AutocannonResult {
  /** Seconds, measured by autocannon. */
  duration: number;
  requests: { total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (options: { url: string; connections: number; duration: number }) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

function autocannonArm(url: string, seconds: number): Arm {
  const measure = async (duration: number) => {
    let ownSeconds = 0;
    // measureInProcess samples this process's RSS; the figure is autocannon's own clock, not the wall time around it.
    const measured = await measureInProcess(async () => {
      const result = await autocannon({ url, connections: CONNECTIONS, duration });
      const failures = result.errors + result.timeouts + result.non2xx;
      if (failures > 0) {
        throw new UnexpectedResponseError(AUTOCANNON, url, `${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
      }
      ownSeconds = result.duration;
      return { requests: result.requests.total };
    });
    return { ...measured, seconds: ownSeconds };
  };
  return {
    name: AUTOCANNON,
    detail: `programmatic API, ${CONNECTIONS} connections, ${seconds} s`,
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

function rfBenchArm(url: string, processes: number, seconds: number): Arm {
  const name = `rf bench --processes ${processes}`;
  const measure = async (duration: number) => {
    const args = [RF_CLI, 'bench', url, '-c', String(CONNECTIONS), '-d', `${duration}s`, '--json', '--processes', String(processes)];
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
    detail: `${processes} child process${processes === 1 ? '' : 'es'} (node:http agent each), -c ${CONNECTIONS} -d ${seconds}s`,
    skip: existsSync(RF_CLI) ? undefined : `${RF_CLI} not built (run \`pnpm build\`)`,
    run: () => measure(seconds),
    warmUp: () => measure(WARM_UP_SECONDS),
  };
}

export const rfBenchVsAutocannon: ScenarioDefinition = {
  id: RF_BENCH_VS_AUTOCANNON_ID,
  fullOnly: true,
  async build(context) {
    const server = await context.jsonServer();
    const seconds = context.quick ? QUICK_SECONDS : FULL_SECONDS;
    return {
      id: RF_BENCH_VS_AUTOCANNON_ID,
      title: `Load generation: rf bench vs autocannon, ${CONNECTIONS} connections for ${seconds} s`,
      description: `GET of a ${server.smallBytes}-byte JSON from a node:http server in its own process, closed loop; each tool's own request count and clock`,
      primary: 'reqPerSec',
      repetitions: context.repetitions,
      arms: [autocannonArm(server.smallUrl, seconds), rfBenchArm(server.smallUrl, 1, seconds), rfBenchArm(server.smallUrl, 2, seconds)],
    };
  },
};
