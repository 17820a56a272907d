/**
 * Python's requests-futures, driven by benchmarks/python/drive.py under
 * Debian's /usr/bin/python3: what a user would compare us against. The
 * script times its own requests and prints JSON; we add its peak RSS.
 */
import { fileURLToPath } from 'node:url';
import { writeFile, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Arm, ArmResult } from '../arm.js';
import { findTool } from '../tools.js';
import { runCommand } from '../proc/run-command.js';
import { PYTHON_PROCESSES, PYTHON_THREADS } from '../baselines.js';
import { directoryBytes } from './directory-bytes.js';
import { parseResultLine } from './result-line.js';
import { UnexpectedResponseError } from './unexpected-response.js';


const DRIVE_PY = fileURLToPath(new URL('../../python/drive.py', import.meta.url));

/** The script's own clock; `wholeProcess` times the interpreter from spawn to exit instead. */
async function drive(args: string[], timeoutSeconds: number, wholeProcess = false): Promise<ArmResult> {
  const python = findTool('python');
  if (!python.found) throw new Error(python.reason);
  const result = await runCommand(python.path, [DRIVE_PY, ...args], { timeoutSeconds });
  const parsed = parseResultLine('drive.py', result.stdout);
  return { requests: parsed.requests, bytes: parsed.bytes, seconds: wholeProcess ? result.wallSeconds : parsed.seconds, peakRssMb: result.peakRssMb };
}

export function pythonGetsArm(options: {
  url: string;
  total: number;
  executor: 'thread' | 'process';
  workers: number;
}): Arm {
  const python = findTool('python');
  const executorName = options.executor === 'thread' ? 'ThreadPoolExecutor' : 'ProcessPoolExecutor';
  const gets = (count: number) =>
    drive(
      ['gets', '--url', options.url, '--count', String(count), '--executor', options.executor, '--workers', String(options.workers)],
      // Generous: the slowest arm (process pool) does a few hundred requests per second.
      60 + count / 50,
    );
  return {
    name: options.executor === 'thread' ? PYTHON_THREADS : PYTHON_PROCESSES,
    detail: `${executorName}(${options.workers})`,
    skip: python.found ? undefined : python.reason,
    run: () => gets(options.total),
    // Every run is a fresh interpreter, so a long warm-up warms nothing more than a short one (disk cache).
    warmUp: () => gets(Math.min(options.total, 200)),
  };
}

export interface PythonDownloadOptions {
  urls: string[];
  expectedBytes: number;
  workDir: string;
  workers: number;
  /** Hash every body while writing it (sha256), as rf download does by default. */
  sha256?: boolean;
  /** Time the whole interpreter, start-up and imports included (the CLI scenario), not only the requests. */
  wholeProcess?: boolean;
}

export function pythonDownloadArm(options: PythonDownloadOptions): Arm {
  const python = findTool('python');
  const urlsFile = join(options.workDir, 'python-urls.txt');
  const outDir = join(options.workDir, 'python-out');
  return {
    name: PYTHON_THREADS,
    detail:
      `ThreadPoolExecutor(${options.workers}), stream=True to files` +
      (options.sha256 ? ' + sha256' : '') +
      (options.wholeProcess ? ', whole process timed' : ''),
    skip: python.found ? undefined : python.reason,
    async open() {
      await mkdir(options.workDir, { recursive: true });
      await writeFile(urlsFile, options.urls.join('\n') + '\n');
    },
    async run() {
      await rm(outDir, { recursive: true, force: true });
      try {
        const args = ['download', '--urls-file', urlsFile, '--out-dir', outDir, '--workers', String(options.workers)];
        const result = await drive(options.sha256 ? [...args, '--sha256'] : args, 600, options.wholeProcess);
        const written = await directoryBytes(outDir);
        if (written !== options.expectedBytes || result.bytes !== options.expectedBytes) {
          throw new UnexpectedResponseError(PYTHON_THREADS, options.urls[0] ?? '', `${written} bytes written, expected ${options.expectedBytes}`);
        }
        return result;
      } finally {
        await rm(outDir, { recursive: true, force: true });
      }
    },
    async close() {
      await rm(urlsFile, { force: true });
    },
  };
}
