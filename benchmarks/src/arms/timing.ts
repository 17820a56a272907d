import { performance } from 'node:perf_hooks';
import type { ArmResult } from '../arm.js';
import { sampleOwnPeakRss } from '../proc/peak-rss.js';
import { countHelperCpu, type HelperPids } from '../proc/cpu-time.js';

/**
 * Times an in-process workload and samples this process's RSS while it runs
 * (every 50 ms): for in-process arms the coordinator is this process. With
 * `cpu`, also this process's CPU time (its children's is not counted), and
 * that of the `helpers` processes (a pool's children, rf workers, Redis).
 */
export async function measureInProcess(
  work: () => Promise<{ requests?: number; bytes?: number }>,
  { cpu = false, helpers }: { cpu?: boolean; helpers?: HelperPids } = {},
): Promise<ArmResult> {
  const rss = sampleOwnPeakRss();
  const helperCpu = cpu && helpers ? countHelperCpu(helpers) : undefined;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  try {
    const counts = await work();
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpuBefore);
    return { ...counts, seconds, peakRssMb: rss.stop(), ...(cpu ? { cpuUs: used.user + used.system, ...helperCpu?.stop() } : {}) };
  } finally {
    rss.stop();
  }
}
