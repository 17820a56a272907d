/**
 * stream: true with a slow consumer (issue #18): one body of 1 GiB (quick:
 * 256 MiB) read at most 128 MiB/s, so the consumer paces the transfer. On
 * ProcessPoolExecutor the body crosses from the child over IPC; the figure is
 * the coordinator's peak RSS, and the child's is printed beside it. Neither
 * may grow with the body.
 */
import { streamArm } from '../arms/stream-arms.js';
import type { ScenarioDefinition } from './context.js';

const RATE_MIB_PER_SEC = 128;

export const stream1g: ScenarioDefinition = {
  id: 'stream-1g',
  async build(context) {
    const mib = context.quick ? 256 : 1024;
    const common = { mib, rateMibPerSec: RATE_MIB_PER_SEC };
    return {
      id: 'stream-1g',
      title: `peak RSS streaming ${mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`} slowly consumed (≤ ${RATE_MIB_PER_SEC} MiB/s)`,
      description: 'each run in a fresh bare-node process, the server in another; peak = that process’s VmHWM; a pool child’s peak is printed beside it and kept in the samples',
      primary: 'peakRssMb',
      repetitions: context.quick ? 1 : 3,
      arms: [streamArm({ ...common, engine: 'got' }), streamArm({ ...common, engine: 'thread' }), streamArm({ ...common, engine: 'process' })],
    };
  },
};
