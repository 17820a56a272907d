/**
 * `rf download` as a user runs it: a fresh `node rf download LIST -o DIR`
 * per repetition, timed from spawn to exit (start-up, reading the list, the
 * pool's children and the summary included), with the coordinator's peak RSS
 * (VmHWM of the rf process; a pool's children are not counted).
 */
import type { Arm } from '../arm.js';
import { wholeProcessArm } from './whole-process-arm.js';

export interface RfDownloadArmOptions {
  name: string;
  /** The rf entry to run with this Node (bundle/rf.mjs, or another checkout's dist/rf.js). */
  rf: string;
  urls: string[];
  expectedBytes: number;
  jobs: number;
  /** Extra flags, e.g. ['--processes', '2']. */
  flags: string[];
  workDir: string;
  /** Seconds before a hung run is killed. */
  timeoutSeconds?: number;
  /** Time a second run over the directory the first (untimed) one filled. */
  rerun?: boolean;
}

export function rfDownloadArm(options: RfDownloadArmOptions): Arm {
  return wholeProcessArm({
    ...options,
    detail: `-j ${options.jobs}${options.flags.length ? ' ' + options.flags.join(' ') : ''}, whole process timed${options.rerun ? ', a rerun over the files a first run left' : ''}`,
    nodeArgs: (listFile, outDir) => [options.rf, 'download', listFile, '-o', outDir, '-j', String(options.jobs), '--retries', '0', ...options.flags],
  });
}
