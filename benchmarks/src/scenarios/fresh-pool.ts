/**
 * Pools created fresh for one batch of small GETs (#14's second target), as a
 * script that fires 3,000 requests and exits lives it: each run is a new Node
 * process (cpu/fresh-run.mjs) timed from spawn to exit, so Node's start-up,
 * the import, the children's start and their JIT warm-up all count. The arms
 * run interleaved, so a loaded machine slows them alike and the ratio to got
 * holds; the bare pool (got in two forked children, no engine) is the floor a
 * got-running process pool starts from here.
 */
import { fileURLToPath } from 'node:url';
import type { Arm } from '../arm.js';
import { GOT_IN_PROCESS, processPoolArmName, threadPoolArmName } from '../baselines.js';
import { runCommand } from '../proc/run-command.js';
import { IN_FLIGHT } from './small-gets.js';
import type { ScenarioDefinition } from './context.js';

export const FRESH_POOL_ID = 'fresh-pool';
/** The batch #14 names: one script, 3,000 GETs, no warm-up beyond its first request. */
export const FRESH_POOL_GETS = 3000;
const POOL_CHILDREN = 2;
const THREADS = 16;

const FRESH_RUN = fileURLToPath(new URL('../../cpu/fresh-run.mjs', import.meta.url));
export const CORE_DIST_INDEX = fileURLToPath(new URL('../../../packages/core/dist/index.js', import.meta.url));
export const BARE_POOL_FLOOR = `bare pool of ${POOL_CHILDREN} (floor)`;

export class FreshRunOutputError extends Error {
  override readonly name = 'FreshRunOutputError';

  constructor(arm: string, stdout: string) {
    super(`${arm}: fresh-run.mjs printed no 'phases' line; stdout was: ${stdout.trim().slice(-300) || '(empty)'}`);
  }
}

export interface FreshRunChoice {
  /** fresh-run.mjs's arm: 'got', 'bare' or a built core's dist/index.js. */
  runnerArm: string;
  workers: number;
  kind?: 'process' | 'thread';
  /** GETs after the first; the scenario's are FRESH_POOL_GETS. */
  gets?: number;
}

/** One fresh process per run of cpu/fresh-run.mjs; a run that does not reach its last response fails the arm. */
export function freshRunArm(name: string, detail: string, url: string, { runnerArm, workers, kind = 'process', gets = FRESH_POOL_GETS }: FreshRunChoice): Arm {
  return {
    name,
    detail,
    async run() {
      const result = await runCommand(process.execPath, [FRESH_RUN, runnerArm, url, String(gets), String(workers), kind], { timeoutSeconds: 120 });
      // The runner prints when the first response and the last arrived; no line means it did not get there.
      if (!/^phases \S+ \S+$/m.test(result.stdout)) throw new FreshRunOutputError(name, result.stdout);
      return { requests: gets + 1, seconds: result.wallSeconds, peakRssMb: result.peakRssMb };
    },
    // Each run is cold by design: a warm-up would warm nothing but the server.
    warmUp: async () => undefined,
  };
}

export const freshPool: ScenarioDefinition = {
  id: FRESH_POOL_ID,
  async build(context) {
    const server = await context.jsonServer();
    const url = server.smallUrl;
    return {
      id: FRESH_POOL_ID,
      title: 'Pools created fresh for 3,000 GETs (whole processes)',
      description:
        `one process per run, timed from spawn to exit (start-up, import and children's start included): one GET, then ${FRESH_POOL_GETS.toLocaleString('en-US')} with ${IN_FLIGHT} in flight, then close; ` +
        'req/s = GETs / that wall; peak RSS = the script’s process (children not counted)',
      primary: 'reqPerSec',
      repetitions: context.repetitions,
      arms: [
        freshRunArm(GOT_IN_PROCESS, `got 14, keep-alive agent, ${IN_FLIGHT} in flight`, url, { runnerArm: 'got', workers: 1 }),
        freshRunArm(processPoolArmName(POOL_CHILDREN), `ProcessPoolExecutor(maxWorkers ${POOL_CHILDREN}), created by the script`, url, { runnerArm: CORE_DIST_INDEX, workers: POOL_CHILDREN }),
        freshRunArm(threadPoolArmName(THREADS), `the session's ThreadPoolExecutor(maxWorkers ${THREADS})`, url, { runnerArm: CORE_DIST_INDEX, workers: THREADS, kind: 'thread' }),
        freshRunArm(BARE_POOL_FLOOR, 'rf’s one-file got in two forked children, no engine (cpu/bare-pool.mjs)', url, { runnerArm: 'bare', workers: POOL_CHILDREN }),
      ],
    };
  },
};
