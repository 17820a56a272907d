/**
 * Peak resident memory as measured inside a child program of the harness
 * (download-child.mjs, memory-child.mjs), and the harness's own VmHWM reader
 * (proc/peak-rss.ts): plain JavaScript, so those programs
 * run on bare `node` and their peak is theirs alone, not tsx's.
 */
import { readFileSync } from 'node:fs';

const MiB = 1024 * 1024;

/** The kernel's high-water mark of a live process's RSS (VmHWM), in MiB; undefined without /proc or once it exited. */
export function highWaterMarkMb(pid = process.pid) {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * This process's peak RSS so far in MiB. VmHWM holds the exact peak; where
 * there is no /proc, the peak of `rss` sampled every 50 ms since `watchOwnPeak()`.
 */
export function watchOwnPeak() {
  let sampled = process.memoryUsage.rss();
  const timer = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage.rss());
  }, 50);
  timer.unref();
  return {
    peakMb() {
      sampled = Math.max(sampled, process.memoryUsage.rss());
      return highWaterMarkMb() ?? sampled / MiB;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
