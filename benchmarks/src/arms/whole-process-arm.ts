/**
 * A downloader run as a user runs it: a fresh process per repetition over a
 * `URL<TAB>name` list, timed from spawn to exit (start-up included), with its
 * peak RSS, and the bytes it wrote checked against what was served.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Arm } from '../arm.js';
import { runCommand } from '../proc/run-command.js';
import { directoryBytes } from './directory-bytes.js';
import { UnexpectedResponseError } from './unexpected-response.js';

export interface WholeProcessArmOptions {
  name: string;
  detail: string;
  urls: string[];
  expectedBytes: number;
  workDir: string;
  /** Node's arguments for one run: the list to read and the directory to fill. */
  nodeArgs(listFile: string, outDir: string): string[];
  /** Seconds before a hung run is killed. */
  timeoutSeconds?: number;
  /** Run the same command once, untimed, before the timed run: what a rerun over a finished directory costs (--resume). */
  rerun?: boolean;
}

/** `URL<TAB>name` lines with flat names (0000.bin, …), so the written bytes can be checked as curl's and Python's are. */
export function listText(urls: readonly string[]): string {
  return urls.map((url, index) => `${url}\t${String(index).padStart(4, '0')}.bin`).join('\n') + '\n';
}

export function wholeProcessArm(options: WholeProcessArmOptions): Arm {
  const listFile = join(options.workDir, 'urls.txt');
  const outDir = join(options.workDir, 'out');
  return {
    name: options.name,
    detail: options.detail,
    async open() {
      await mkdir(options.workDir, { recursive: true });
      await writeFile(listFile, listText(options.urls));
    },
    async run() {
      await rm(outDir, { recursive: true, force: true });
      await mkdir(outDir, { recursive: true });
      try {
        const command = () => runCommand(process.execPath, options.nodeArgs(listFile, outDir), { timeoutSeconds: options.timeoutSeconds ?? 600 });
        if (options.rerun) await command();
        const result = await command();
        const bytes = await directoryBytes(outDir);
        if (bytes !== options.expectedBytes) {
          throw new UnexpectedResponseError(options.name, options.urls[0] ?? '', `${bytes} bytes written, expected ${options.expectedBytes}`);
        }
        return { requests: options.urls.length, bytes, seconds: result.wallSeconds, peakRssMb: result.peakRssMb };
      } finally {
        await rm(outDir, { recursive: true, force: true });
      }
    },
    // Every run is a fresh process: a warm-up would warm nothing but the page cache, which curl's warms.
    warmUp: async () => undefined,
    async close() {
      await rm(listFile, { force: true });
    },
  };
}
