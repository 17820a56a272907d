/**
 * Peak resident memory, measured two ways. For our own process we sample
 * `rss` every 50 ms (the brief's method, comparable across arms). For a child
 * (curl, Python) we poll the kernel's high-water mark VmHWM in /proc, which
 * already holds the peak, so a 50 ms poll only misses growth in the final
 * moments before exit.
 */
// The same VmHWM reader as the bare-node child programs (plain JavaScript, typed by its .d.mts).
import { highWaterMarkMb } from '../arms/peak-rss-child.mjs';

const MiB = 1024 * 1024;

export interface PeakSampler {
  /** Stop sampling; returns the peak in MiB. */
  stop(): number;
}

export function sampleOwnPeakRss(intervalMs = 50): PeakSampler {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return peak / MiB;
    },
  };
}

export function sampleChildPeakRss(pid: number, intervalMs = 50): PeakSampler {
  let peak = highWaterMarkMb(pid) ?? 0;
  const poll = () => {
    const hwm = highWaterMarkMb(pid);
    if (hwm !== undefined && hwm > peak) peak = hwm;
  };
  const timer = setInterval(poll, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      poll();
      return peak;
    },
  };
}
