/**
 * `rf download` as a user runs it: a fresh `node rf download LIST -o DIR`
 * per repetition, timed from spawn to exit (start-up, reading the list, the
 * pool's children and the summary included), with the coordinator's peak RSS
 * (VmHWM of the rf process; a pool's children are not counted).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Arm } from '../arm.js';
import { runCommand } from '../proc/run-command.js';
import { directoryBytes } from './directory-bytes.js';
import { UnexpectedResponseError } from './unexpected-response.js';

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
}

/** `URL<TAB>name` lines with flat names (0000.bin, …), so the written bytes can be checked as curl's and Python's are. */
export function rfListText(urls: readonly string[]): string {
  return urls.map((url, index) => `${url}\t${String(index).padStart(4, '0')}.bin`).join('\n') + '\n';
}

export function rfDownloadArm(options: RfDownloadArmOptions): Arm {
  const listFile = join(options.workDir, 'rf-urls.txt');
  const outDir = join(options.workDir, 'rf-out');
  const run = async () => {
    await rm(outDir, { recursive: true, force: true });
    try {
      const result = await runCommand(
        process.execPath,
        [options.rf, 'download', listFile, '-o', outDir, '-j', String(options.jobs), '--retries', '0', ...options.flags],
        { timeoutSeconds: options.timeoutSeconds ?? 600 },
      );
      const bytes = await directoryBytes(outDir);
      if (bytes !== options.expectedBytes) {
        throw new UnexpectedResponseError(options.name, options.urls[0] ?? '', `${bytes} bytes written, expected ${options.expectedBytes}`);
      }
      return { requests: options.urls.length, bytes: options.expectedBytes, seconds: result.wallSeconds, peakRssMb: result.peakRssMb };
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  };
  return {
    name: options.name,
    detail: `-j ${options.jobs}${options.flags.length ? ' ' + options.flags.join(' ') : ''}, whole process timed`,
    async open() {
      await mkdir(options.workDir, { recursive: true });
      await writeFile(listFile, rfListText(options.urls));
    },
    run,
    // Every run is a fresh process: a warm-up would warm nothing but the page cache, which curl's warms.
    warmUp: async () => undefined,
    async close() {
      await rm(listFile, { force: true });
    },
  };
}
