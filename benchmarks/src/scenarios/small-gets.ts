/**
 * Many small GETs at 16 in flight against the JSON server: every engine a
 * user could pick, on the same server, in the same run.
 */
import type { Arm } from '../arm.js';
import { gotArm, gotEmptyCacheOptionsArm } from '../arms/got-arm.js';
import { undiciArm } from '../arms/undici-arm.js';
import { futuresGetsArm } from '../arms/futures-arms.js';
import { pythonGetsArm } from '../arms/python-arms.js';
import { wrkArm } from '../arms/wrk-arm.js';
import { armInOwnProcess } from '../arms/own-process.js';
import { WARM_UP_REQUESTS } from '../arms/warm-up.js';
import type { ScenarioContext, ScenarioDefinition } from './context.js';

export const IN_FLIGHT = 16;

export const GOT_ARM_MODULE = new URL('../arms/got-arm.ts', import.meta.url);
export const FUTURES_ARMS_MODULE = new URL('../arms/futures-arms.ts', import.meta.url);
const UNDICI_ARM_MODULE = new URL('../arms/undici-arm.ts', import.meta.url);

export function smallGetCount(context: Pick<ScenarioContext, 'quick'>): number {
  return context.quick ? 800 : 5_000;
}

export const smallGets: ScenarioDefinition = {
  id: 'small-gets',
  async build(context) {
    const server = await context.jsonServer();
    const total = smallGetCount(context);
    // Every small-GET arm warms up on WARM_UP_REQUESTS, a quick run too: 800 left the pool's children still warming.
    const warmUp = WARM_UP_REQUESTS;
    const load = { url: server.smallUrl, total, concurrency: IN_FLIGHT, warmUp };
    const arms: Arm[] = [
      // Each Node arm in a process of its own (own-process.ts says why).
      armInOwnProcess(GOT_ARM_MODULE, gotArm, load),
      armInOwnProcess(GOT_ARM_MODULE, gotEmptyCacheOptionsArm, load),
      armInOwnProcess(UNDICI_ARM_MODULE, undiciArm, load),
      armInOwnProcess(FUTURES_ARMS_MODULE, futuresGetsArm, { url: server.smallUrl, total, warmUp, choice: { kind: 'thread', maxWorkers: IN_FLIGHT } }),
      ...[1, 2, 4].map((workers) =>
        armInOwnProcess(FUTURES_ARMS_MODULE, futuresGetsArm, { url: server.smallUrl, total, warmUp, choice: { kind: 'process', maxWorkers: workers, inFlight: IN_FLIGHT } }),
      ),
      pythonGetsArm({ url: server.smallUrl, total, executor: 'thread', workers: 8 }),
      pythonGetsArm({ url: server.smallUrl, total, executor: 'process', workers: 2 }),
      // The server's ceiling is steady: 1 s suffices in a quick run.
      wrkArm(server.smallUrl, IN_FLIGHT, context.quick ? 1 : 3),
    ];
    return {
      id: 'small-gets',
      title: `${total.toLocaleString('en-US')} small GETs, ${IN_FLIGHT} in flight`,
      description: `GET of a ${server.smallBytes}-byte JSON from a node:http server in its own process`,
      primary: 'reqPerSec',
      repetitions: context.repetitions,
      arms,
    };
  },
};
