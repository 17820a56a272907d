/**
 * Stream-scenario arms: each repetition is a fresh bare-`node` process
 * (stream-child.mjs) that streams one large body and consumes it slowly; the
 * figure is its peak RSS (VmHWM), a process pool's child reported beside it.
 */
import { fileURLToPath } from 'node:url';
import type { Arm, ArmResult } from '../arm.js';
import { GOT_IN_PROCESS, processPoolArmName, threadPoolArmName } from '../baselines.js';
import { runCommand } from '../proc/run-command.js';
import { parseChildResultLine } from './result-line.js';

const CHILD = fileURLToPath(new URL('./stream-child.mjs', import.meta.url));
const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));

export type StreamEngine = 'got' | 'thread' | 'process';

export interface StreamResult extends ArmResult {
  childrenPeakRssMb: number[];
}

export function streamArm(options: { engine: StreamEngine; mib: number; rateMibPerSec: number }): Arm {
  const names: Record<StreamEngine, [string, string]> = {
    got: [GOT_IN_PROCESS, 'got.stream(), for await'],
    thread: [threadPoolArmName(1), 'stream: true, iterContent(null)'],
    process: [processPoolArmName(1), 'stream: true, iterContent(null): the body crosses IPC with credit-based backpressure'],
  };
  const [name, detail] = names[options.engine];
  const launch = async (mib: number): Promise<StreamResult> => {
    const result = await runCommand(
      process.execPath,
      [CHILD, '--engine', options.engine, '--mib', String(mib), '--rate', String(options.rateMibPerSec)],
      { cwd: BENCH_DIR, timeoutSeconds: 60 + (3 * mib) / options.rateMibPerSec },
    );
    const line = parseChildResultLine('stream-child.mjs', result.stdout, { bytes: true });
    if (line.childrenPeakRssMb.length > 0) {
      process.stderr.write(`      ${name}: coordinator peak ${Math.round(line.peakRssMb)} MiB, child ${line.childrenPeakRssMb.map(Math.round).join(', ')} MiB\n`);
    }
    return { requests: 1, bytes: line.bytes ?? 0, seconds: line.seconds, peakRssMb: line.peakRssMb, childrenPeakRssMb: line.childrenPeakRssMb };
  };
  return {
    name,
    detail,
    run: () => launch(options.mib),
    // A fresh process starts cold anyway: the warm-up only checks the arm works.
    warmUp: () => launch(16),
  };
}
