/**
 * Memory-scenario arms: each repetition is a fresh bare-`node` process
 * (memory-child.mjs, no tsx) that loads only the engine under test and reads
 * its own peak RSS (VmHWM), so the figure is the coordinator's cost for that
 * workload alone. A pool's children are reported apart, not added.
 */
import { fileURLToPath } from 'node:url';
import type { Arm, ArmResult } from '../arm.js';
import { GOT_IN_PROCESS, processPoolArmName, threadPoolArmName } from '../baselines.js';
import { runCommand } from '../proc/run-command.js';
import { parseChildResultLine, type ChildResultLine } from './result-line.js';

const CHILD = fileURLToPath(new URL('./memory-child.mjs', import.meta.url));
const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));

export type MemoryEngine = 'got' | 'thread' | 'process' | 'idle';

/** A memory repetition's figures, plus each pool child's peak (kept in the results file's samples). */
export interface MemoryResult extends ArmResult {
  childrenPeakRssMb: number[];
}

function parseMemoryLine(stdout: string): ChildResultLine {
  return parseChildResultLine('memory-child.mjs', stdout, { bytes: false });
}

export function memoryArm(options: { engine: MemoryEngine; url: string; count: number; warmUpCount: number; inFlight: number; workers?: number }): Arm {
  const workers = options.workers ?? 2;
  const names: Record<MemoryEngine, [string, string]> = {
    got: [GOT_IN_PROCESS, `${options.inFlight} lanes pulling from the generator`],
    thread: [threadPoolArmName(options.inFlight), 'session.map(asyncIterable)'],
    process: [processPoolArmName(workers), `session.map(asyncIterable), ${workers} children × ${Math.round(options.inFlight / workers)}`],
    idle: ['floor: node + @requests-futures/core', 'no requests'],
  };
  const [name, detail] = names[options.engine];
  const launch = async (count: number): Promise<MemoryResult> => {
    const result = await runCommand(
      // No execArgv: the harness's tsx loader is exactly what this process must not carry.
      process.execPath,
      [
        CHILD,
        '--engine', options.engine,
        '--url', options.url,
        '--count', String(count),
        '--in-flight', String(options.inFlight),
        '--workers', String(workers),
      ],
      { cwd: BENCH_DIR, timeoutSeconds: 60 + count / 100 },
    );
    const line = parseMemoryLine(result.stdout);
    if (line.childrenPeakRssMb.length > 0) {
      process.stderr.write(`      ${name}: coordinator peak ${Math.round(line.peakRssMb)} MiB, children ${line.childrenPeakRssMb.map(Math.round).join(', ')} MiB\n`);
    }
    return { requests: line.requests, seconds: line.seconds, peakRssMb: line.peakRssMb, childrenPeakRssMb: line.childrenPeakRssMb };
  };
  return {
    name,
    detail,
    run: () => launch(options.count),
    // A fresh process starts cold whatever ran before; a short run warms the disk cache.
    warmUp: () => launch(Math.min(options.count, options.warmUpCount)),
  };
}
