/**
 * The bulk scenario's Node arms, each repetition a fresh process running
 * download-child.mjs on bare `node`: got streaming each body to a file (the
 * Node baseline, what saveTo replaces) and FuturesSession on a process pool
 * with saveTo. The peak RSS each reports is its own process's (the
 * coordinator's), measured there; a pool's children are counted apart.
 */
import { mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Arm, ArmResult } from '../arm.js';
import { GOT_IN_PROCESS, processPoolArmName } from '../baselines.js';
import { runCommand } from '../proc/run-command.js';
import { parseChildResultLine, type ChildResultLine } from './result-line.js';
import { UnexpectedResponseError } from './unexpected-response.js';

const CHILD = fileURLToPath(new URL('./download-child.mjs', import.meta.url));
const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));

export type DownloadEngine = 'got' | 'futures';

export interface ChildDownloadOptions {
  engine: DownloadEngine;
  urls: string[];
  expectedBytes: number;
  /** Downloads in flight in total (a pool's are split evenly over its children). */
  inFlight: number;
  /** Pool children (futures only). */
  workers?: number;
  outDir: string;
}

/** A bulk repetition's figures, plus each pool child's peak (kept in the results file's samples). */
export interface DownloadResult extends ArmResult {
  childrenPeakRssMb: number[];
}

type DownloadLine = ChildResultLine & { bytes: number };

function parseDownloadLine(stdout: string): DownloadLine {
  return parseChildResultLine('download-child.mjs', stdout, { bytes: true }) as DownloadLine;
}

export function childDownloadArm(options: ChildDownloadOptions): Arm {
  const workers = options.workers ?? 2;
  const perChild = Math.max(1, Math.round(options.inFlight / workers));
  const name = options.engine === 'got' ? GOT_IN_PROCESS : processPoolArmName(workers);
  const detail =
    options.engine === 'got'
      ? `got.stream → file, ${options.inFlight} in flight; own process`
      : `${workers} children × ${perChild}, saveTo; own process`;

  const launch = async (urls: string[]): Promise<DownloadLine> => {
    await rm(options.outDir, { recursive: true, force: true });
    await mkdir(options.outDir, { recursive: true });
    try {
      const spec = { engine: options.engine, urls, outDir: options.outDir, inFlight: options.inFlight, workers };
      // No execArgv: the harness's tsx loader is exactly what this process must not carry.
      const result = await runCommand(process.execPath, [CHILD, JSON.stringify(spec)], { cwd: BENCH_DIR, timeoutSeconds: 600 });
      return parseDownloadLine(result.stdout);
    } finally {
      await rm(options.outDir, { recursive: true, force: true });
    }
  };

  return {
    name,
    detail,
    async run(): Promise<DownloadResult> {
      const line = await launch(options.urls);
      if (line.bytes !== options.expectedBytes) {
        throw new UnexpectedResponseError(name, options.urls[0] ?? '', `${line.bytes} bytes saved, expected ${options.expectedBytes}`);
      }
      if (line.childrenPeakRssMb.length > 0) {
        process.stderr.write(`      ${name}: coordinator peak ${Math.round(line.peakRssMb)} MiB, children ${line.childrenPeakRssMb.map(Math.round).join(', ')} MiB\n`);
      }
      return { requests: line.requests, bytes: line.bytes, seconds: line.seconds, peakRssMb: line.peakRssMb, childrenPeakRssMb: line.childrenPeakRssMb };
    },
    // Every run starts a fresh process, which warms itself up; this only warms the disk cache for node and its modules.
    warmUp: () => launch(options.urls.slice(0, 2)),
  };
}
