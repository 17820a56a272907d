/**
 * The unit the harness measures. Arms of one scenario run interleaved
 * (A B C A B C …) so that a noisy neighbour slows them alike and ratios hold.
 */

export interface ArmResult {
  requests?: number;
  bytes?: number;
  /** Wall-clock seconds of the measured work (setup excluded). */
  seconds: number;
  /** Peak resident memory of the process that coordinates the work, MiB. */
  peakRssMb?: number;
  /** CPU time (user + system) of the coordinating process during the measured work, µs; only arms that measure it. */
  cpuUs?: number;
  /** The same for the processes that run the tasks (pool children, or rf workers), added up. */
  workersCpuUs?: number;
  /** The same for redis-server (distributed arms). */
  redisCpuUs?: number;
}

export interface Arm {
  /** Stable display name; ratios find their baselines by it (see baselines.ts). */
  name: string;
  /** Configuration in a few words, e.g. `maxWorkers 16`. */
  detail?: string;
  /** Set when the arm cannot run on this machine (a missing tool); printed instead of figures. */
  skip?: string;
  /** Untimed set-up, once before the warm-up (start a pool, open an agent). */
  open?(): Promise<void>;
  /** One measured repetition. */
  run(): Promise<ArmResult>;
  /** The uncounted warm-up; defaults to run(). Arms whose run is long and starts cold anyway (a fresh process) warm up on less. */
  warmUp?(): Promise<unknown>;
  /** Release what open() took; always called, also after a failure. */
  close?(): Promise<void>;
}

export type Metric = 'reqPerSec' | 'mbPerSec' | 'peakRssMb' | 'cpuUsPerTask' | 'workersCpuUsPerTask' | 'redisCpuUsPerTask';

export interface Scenario {
  id: string;
  title: string;
  /** What is measured, for the report. */
  description: string;
  /** The figure ratios are computed on. */
  primary: Metric;
  repetitions: number;
  arms: Arm[];
  /** Scenario-level resources (temp dirs) released after all arms. */
  dispose?(): Promise<void>;
}
