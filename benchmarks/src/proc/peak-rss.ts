/**
 * Peak resident memory, measured two ways. For our own process we sample
 * `rss` every 50 ms (the brief's method, comparable across arms). For a child
 * (curl, Python) we poll the kernel's high-water mark VmHWM in /proc, which
 * already holds the peak, so a 50 ms poll only misses growth in the final
 * moments before exit.
 */
import { readFileSync } from 'node:fs';

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

/** VmHWM of a live process in MiB, or undefined once it has exited. */
export function readHighWaterMarkMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export function sampleChildPeakRss(pid: number, intervalMs = 50): PeakSampler {
  let peak = readHighWaterMarkMb(pid) ?? 0;
  const poll = () => {
    const hwm = readHighWaterMarkMb(pid);
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
