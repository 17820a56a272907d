/** CPU time of other processes, from /proc/<pid>/stat (Linux): what a coordinator's process.cpuUsage() cannot see. */
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second (`getconf CLK_TCK`), 100 on every Linux this runs on; /proc/<pid>/stat counts in them. */
const TICKS_PER_SECOND = 100;

/** user + system time of `pid`, µs, at the kernel's 10 ms resolution; 0 for a process that is gone (its time is lost with it). */
export function cpuTimeUs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The processes whose CPU a measurement adds up, by role. */
export interface HelperPids {
  workers: number[];
  redis: number[];
}

/** Starts counting; `stop()` answers the CPU each role used meanwhile, µs. */
export function countHelperCpu(pids: HelperPids): { stop(): { workersCpuUs: number; redisCpuUs?: number } } {
  const sum = (list: number[]) => list.reduce((total, pid) => total + cpuTimeUs(pid), 0);
  const before = { workers: sum(pids.workers), redis: sum(pids.redis) };
  return {
    // No Redis in the arm: no figure (a column of zeros would read as "Redis costs nothing").
    stop: () => ({ workersCpuUs: sum(pids.workers) - before.workers, ...(pids.redis.length > 0 ? { redisCpuUs: sum(pids.redis) - before.redis } : {}) }),
  };
}
