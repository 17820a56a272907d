/**
 * The process-pool issue's acceptance figure: small-GET throughput of
 * ProcessPoolExecutor (1 and 2 children) over got in-process, both at 16 in
 * flight. When small-gets runs too, run.ts reads these arms from its runs
 * instead of measuring twice.
 */
import { gotArm } from '../arms/got-arm.js';
import { armNameFor, futuresGetsArm, type ExecutorChoice } from '../arms/futures-arms.js';
import { GOT_IN_PROCESS } from '../baselines.js';
import { armInOwnProcess } from '../arms/own-process.js';
import { WARM_UP_REQUESTS } from '../arms/warm-up.js';
import { FUTURES_ARMS_MODULE, GOT_ARM_MODULE, IN_FLIGHT, smallGetCount } from './small-gets.js';
import type { ScenarioDefinition } from './context.js';

export const ACCEPTANCE_CHOICES: ExecutorChoice[] = [1, 2].map((workers) => ({ kind: 'process', maxWorkers: workers, inFlight: IN_FLIGHT }));
export const ACCEPTANCE_ARMS = ACCEPTANCE_CHOICES.map(armNameFor);
export const PROCESS_POOL_VS_GOT_ID = 'process-pool-vs-got';

export function processPoolVsGotHeading(total: number) {
  return {
    id: PROCESS_POOL_VS_GOT_ID,
    title: 'ProcessPoolExecutor vs got in-process (acceptance)',
    description: `${total.toLocaleString('en-US')} small GETs, ${IN_FLIGHT} in flight in total: ${ACCEPTANCE_ARMS.join(', ')} against ${GOT_IN_PROCESS}`,
    primary: 'reqPerSec' as const,
  };
}

export const processPoolVsGot: ScenarioDefinition = {
  id: PROCESS_POOL_VS_GOT_ID,
  async build(context) {
    const server = await context.jsonServer();
    const total = smallGetCount(context);
    return {
      ...processPoolVsGotHeading(total),
      repetitions: context.repetitions,
      arms: [
        armInOwnProcess(GOT_ARM_MODULE, gotArm, { url: server.smallUrl, total, concurrency: IN_FLIGHT, warmUp: WARM_UP_REQUESTS }),
        ...ACCEPTANCE_CHOICES.map((choice) => armInOwnProcess(FUTURES_ARMS_MODULE, futuresGetsArm, { url: server.smallUrl, total, choice, warmUp: WARM_UP_REQUESTS })),
      ],
    };
  },
};
