/**
 * The Redis hop (issue 16 item 7): DistributedExecutor with 1 and 2 `rf
 * worker` processes on this machine (BullMQ on a loopback redis-server)
 * against ProcessPoolExecutor with as many children, 16 tasks in flight in
 * every arm, on small GETs and on a bulk set saved to disk. Read each
 * DistributedExecutor row against the pool with as many children (`× pool of
 * N`). The CPU columns say where the hop's cost goes, per task: the
 * coordinator (the arm's own process), the pool's children or the rf workers,
 * and redis-server. Every arm runs in a process of its own.
 * benchmarks/README.md has the crossover arithmetic.
 *
 * Only with --only: four arms that each start processes (and a redis-server)
 * take 3–5 minutes under load, which neither a quick run (2 minutes) nor a
 * full one (10) can hold; `--only distributed-gets --quick` runs a small variant.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Arm } from '../arm.js';
import { armInOwnProcess } from '../arms/own-process.js';
import { futuresDownloadArm, futuresGetsArm, type ExecutorChoice } from '../arms/futures-arms.js';
import { POOL_OF_1, POOL_OF_2 } from '../baselines.js';
import { onCleanup } from '../proc/cleanup.js';
import { RF_BUNDLE } from '../rf-bundle.js';
import { startRedis, type RedisInstance } from '../servers/redis.js';
import { findTool } from '../tools.js';
import { FUTURES_ARMS_MODULE, IN_FLIGHT } from './small-gets.js';
import type { ScenarioContext, ScenarioDefinition } from './context.js';

const KiB = 1024;
const FILE_BYTES = 256 * KiB;
const POOL_NAMES = [POOL_OF_1, POOL_OF_2];

/** Pool of N against DistributedExecutor with N workers, N = 1, 2, in that order (interleaved by the harness). */
function choices(redis: RedisInstance, id: string): ExecutorChoice[] {
  return [1, 2].flatMap((n): ExecutorChoice[] => [
    { kind: 'process', maxWorkers: n, inFlight: IN_FLIGHT, name: POOL_NAMES[n - 1]! },
    { kind: 'distributed', workers: n, inFlight: IN_FLIGHT, redis: redis.url, redisPid: redis.pid, queue: `${id}-${n}` },
  ]);
}

/** A redis-server for the scenario's life, or why there cannot be one. */
async function redisFor(): Promise<{ redis: RedisInstance; dispose: () => Promise<void> } | { skip: string }> {
  if (!existsSync(RF_BUNDLE)) return { skip: `${RF_BUNDLE} is not built (pnpm build)` };
  const tool = findTool('redis-server');
  if (!tool.found) return { skip: tool.reason };
  const redis = await startRedis(tool.path);
  const forget = onCleanup(() => redis.stop());
  return { redis, dispose: async () => {
    forget();
    await redis.stop();
  } };
}

const DESCRIPTION =
  `${IN_FLIGHT} tasks in flight in every arm (a pool child or an rf worker runs its share); BullMQ on a loopback redis-server; ` +
  'read DistributedExecutor against the pool with as many children; CPU per task, user+system: the coordinator (the arm’s own process), the pool’s children or the rf workers, and redis-server (from /proc, 10 ms ticks)';

export const distributedGets: ScenarioDefinition = {
  id: 'distributed-gets',
  onDemand: true,
  async build(context: ScenarioContext) {
    const fleet = await redisFor();
    if ('skip' in fleet) return fleet;
    const server = await context.jsonServer();
    const total = context.quick ? 400 : 2_000;
    const arms: Arm[] = choices(fleet.redis, 'distributed-gets').map((choice) =>
      armInOwnProcess(FUTURES_ARMS_MODULE, futuresGetsArm, { url: server.smallUrl, total, choice, warmUp: Math.min(total, 1_000), cpu: true }),
    );
    return {
      id: 'distributed-gets',
      title: `DistributedExecutor vs ProcessPoolExecutor: ${total.toLocaleString('en-US')} small GETs`,
      description: `GET of a ${server.smallBytes}-byte JSON; ${DESCRIPTION}`,
      primary: 'reqPerSec',
      repetitions: context.repetitions,
      arms,
      dispose: fleet.dispose,
    };
  },
};

export const distributedBulk: ScenarioDefinition = {
  id: 'distributed-bulk',
  onDemand: true,
  async build(context: ScenarioContext) {
    const fleet = await redisFor();
    if ('skip' in fleet) return fleet;
    const set = { name: '256k-x100', count: context.quick ? 32 : 100, sizeBytes: FILE_BYTES };
    const served = await context.filesOverNginx(set);
    if ('skip' in served) {
      await fleet.dispose();
      return served;
    }
    const scratch = join(context.workDir, 'downloads', 'distributed-bulk');
    const expectedBytes = set.count * set.sizeBytes;
    const arms: Arm[] = choices(fleet.redis, 'distributed-bulk').map((choice, i) =>
      armInOwnProcess(FUTURES_ARMS_MODULE, futuresDownloadArm, { urls: served.urls, expectedBytes, choice, outDir: join(scratch, `arm-${i}`), cpu: true }),
    );
    return {
      id: 'distributed-bulk',
      title: `DistributedExecutor vs ProcessPoolExecutor: ${set.count} × 256 KiB from nginx to disk`,
      description: `saveTo in a temp dir (the workers write it: same machine); ${DESCRIPTION}`,
      primary: 'reqPerSec',
      repetitions: context.repetitions,
      arms,
      dispose: fleet.dispose,
    };
  },
};
