/**
 * Coordinator memory with a long URL queue: 100,000 URLs (quick: 5,000)
 * pulled lazily through session.map(asyncIterable). Each run is a fresh
 * bare-node process (memory-child.mjs: no tsx, only the engine under test
 * loaded), so the peak RSS is that workload's coordinator alone.
 */
import { memoryArm } from '../arms/memory-arms.js';
import type { ScenarioDefinition } from './context.js';

const IN_FLIGHT = 16;

export const memory: ScenarioDefinition = {
  id: 'memory',
  async build(context) {
    const server = await context.jsonServer();
    const count = context.quick ? 5_000 : 100_000;
    const common = { url: server.smallUrl, count, warmUpCount: context.quick ? 100 : 1_000, inFlight: IN_FLIGHT };
    return {
      id: 'memory',
      title: `peak RSS of the coordinator for ${count.toLocaleString('en-US')} queued URLs`,
      description: 'each run in a fresh bare-node process loading only its engine; peak = that process’s VmHWM (a pool’s children not counted); URLs come from an async generator',
      primary: 'peakRssMb',
      // Peaks vary by 1–3 % between runs (measured: 118–121, 155–160 MiB over
      // two full repetitions), and one repetition is 3 × the URL count in
      // requests (about 2 minutes in a full run): one repetition keeps the
      // suite within its time budget.
      repetitions: 1,
      arms: [
        memoryArm({ ...common, engine: 'idle' }),
        memoryArm({ ...common, engine: 'got' }),
        memoryArm({ ...common, engine: 'thread' }),
        memoryArm({ ...common, engine: 'process', workers: 2 }),
      ],
    };
  },
};
