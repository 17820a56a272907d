/** The figures a repetition yields, derived from what an arm reports. */
import type { ArmResult, Metric } from './arm.js';

export const METRIC_LABEL: Record<Metric, string> = {
  reqPerSec: 'req/s',
  mbPerSec: 'MB/s',
  peakRssMb: 'peak RSS MiB',
  cpuUsPerTask: 'coordinator CPU µs/task',
  workersCpuUsPerTask: 'children/workers CPU µs/task',
  redisCpuUsPerTask: 'redis CPU µs/task',
};

/** Figures printed beside the primary one, as a column each, when some arm of the scenario has them. */
export const SIDE_METRICS: readonly Metric[] = ['peakRssMb', 'cpuUsPerTask', 'workersCpuUsPerTask', 'redisCpuUsPerTask'];

/** Whether a bigger figure is better: decides how the report words a ratio. */
export const HIGHER_IS_BETTER: Record<Metric, boolean> = {
  reqPerSec: true,
  mbPerSec: true,
  peakRssMb: false,
  cpuUsPerTask: false,
  workersCpuUsPerTask: false,
  redisCpuUsPerTask: false,
};

const perTask = (us: number | undefined, result: ArmResult) => (us !== undefined && result.requests ? us / result.requests : undefined);

export function metricOf(result: ArmResult, metric: Metric): number | undefined {
  switch (metric) {
    case 'reqPerSec':
      return result.requests !== undefined && result.seconds > 0 ? result.requests / result.seconds : undefined;
    case 'mbPerSec':
      // MB = 10^6 bytes, as curl and most tools print it.
      return result.bytes !== undefined && result.seconds > 0 ? result.bytes / 1e6 / result.seconds : undefined;
    case 'peakRssMb':
      return result.peakRssMb;
    case 'cpuUsPerTask':
      return perTask(result.cpuUs, result);
    case 'workersCpuUsPerTask':
      return perTask(result.workersCpuUs, result);
    case 'redisCpuUsPerTask':
      return perTask(result.redisCpuUs, result);
  }
}
