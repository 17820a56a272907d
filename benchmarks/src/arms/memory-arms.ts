/**
 * Memory-scenario arms: each repetition is a fresh Node process
 * (memory-child.ts) whose peak RSS the kernel records (VmHWM), so the figure
 * is the coordinator's cost for that workload alone.
 */
import { fileURLToPath } from 'node:url';
import type { Arm } from '../arm.js';
import { GOT_IN_PROCESS, processPoolArmName, threadPoolArmName } from '../baselines.js';
import { runCommand } from '../proc/run-command.js';
import { parseResultLine } from './result-line.js';

const CHILD = fileURLToPath(new URL('./memory-child.ts', import.meta.url));
const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));

export type MemoryEngine = 'got' | 'thread' | 'process' | 'idle';

export function memoryArm(options: { engine: MemoryEngine; url: string; count: number; warmUpCount: number; inFlight: number; workers?: number }): Arm {
  const workers = options.workers ?? 2;
  const names: Record<MemoryEngine, [string, string]> = {
    got: [GOT_IN_PROCESS, `${options.inFlight} lanes pulling from the generator`],
    thread: [threadPoolArmName(options.inFlight), 'session.map(asyncIterable)'],
    process: [processPoolArmName(workers), `session.map(asyncIterable), ${workers} children × ${Math.round(options.inFlight / workers)}`],
    idle: ['floor: Node + tsx + imports', 'no requests'],
  };
  const [name, detail] = names[options.engine];
  const launch = async (count: number) => {
    const result = await runCommand(
      process.execPath,
      [
        ...process.execArgv,
        CHILD,
        '--engine', options.engine,
        '--url', options.url,
        '--count', String(count),
        '--in-flight', String(options.inFlight),
        '--workers', String(workers),
      ],
      { cwd: BENCH_DIR, timeoutSeconds: 60 + count / 100 },
    );
    const parsed = parseResultLine('memory-child.ts', result.stdout);
    return { requests: parsed.requests, seconds: parsed.seconds, peakRssMb: result.peakRssMb };
  };
  return {
    name,
    detail,
    run: () => launch(options.count),
    // A fresh process starts cold whatever ran before; a short run warms the disk cache and tsx's.
    warmUp: () => launch(Math.min(options.count, options.warmUpCount)),
  };
}
