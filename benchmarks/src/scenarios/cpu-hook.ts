/**
 * CPU-bound response handling: each ≈50 KB JSON body is parsed and reduced
 * by a response hook. In-process, that CPU competes with the HTTP client on
 * one core; in a 2-child process pool it runs on both cores, and only the
 * small summary travels back.
 */
import { gotArm, type HttpLoad } from '../arms/got-arm.js';
import { armInOwnProcess } from '../arms/own-process.js';
import { futuresHookArm } from '../arms/futures-arms.js';
import { parseAndReduce } from '../reduce.js';
import type { ScenarioDefinition } from './context.js';
import { FUTURES_ARMS_MODULE } from './small-gets.js';

const IN_FLIGHT = 16;

/** got doing the reduce inline, built from plain arguments so that it can run in a process of its own. */
export function gotReduceArm(load: Omit<HttpLoad, 'onBody'>) {
  return gotArm({ ...load, onBody: parseAndReduce });
}

export const cpuHook: ScenarioDefinition = {
  id: 'cpu-hook',
  async build(context) {
    const server = await context.jsonServer();
    const total = context.quick ? 300 : 1_000;
    return {
      id: 'cpu-hook',
      title: `${total.toLocaleString('en-US')} GETs of a ${Math.round(server.bigBytes / 1024)} KB JSON, parsed and reduced by a hook`,
      description: `response hook (fnRef) parses the array and reduces it to a summary; ${IN_FLIGHT} in flight`,
      primary: 'reqPerSec',
      repetitions: context.repetitions,
      arms: [
        armInOwnProcess(new URL(import.meta.url), gotReduceArm, { url: server.bigUrl, total, concurrency: IN_FLIGHT }),
        armInOwnProcess(FUTURES_ARMS_MODULE, futuresHookArm, { url: server.bigUrl, total, choice: { kind: 'thread', maxWorkers: IN_FLIGHT } }),
        armInOwnProcess(FUTURES_ARMS_MODULE, futuresHookArm, { url: server.bigUrl, total, choice: { kind: 'process', maxWorkers: 2, inFlight: IN_FLIGHT } }),
      ],
    };
  },
};
