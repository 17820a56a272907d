/**
 * Runs an external program (wrk, curl, Python) to completion as a tracked,
 * detached process group, capturing its output and its peak RSS.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { trackProcessGroup } from './cleanup.js';
import { sampleChildPeakRss } from './peak-rss.js';

export interface CommandResult {
  stdout: string;
  stderr: string;
  wallSeconds: number;
  peakRssMb: number;
}

export class CommandFailedError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderr: string,
  ) {
    super(
      `${command} failed (${signal ? `signal ${signal}` : `exit code ${exitCode}`})` +
        (stderr.trim() ? `: ${stderr.trim().split('\n').slice(-5).join(' | ')}` : ''),
    );
    this.name = 'CommandFailedError';
  }
}

export interface RunCommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the command after this many seconds (a hung tool must not hang the suite). */
  timeoutSeconds?: number;
}

export function runCommand(file: string, args: string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const untrack = child.pid !== undefined ? trackProcessGroup(child.pid) : () => false;
    const rss = child.pid !== undefined ? sampleChildPeakRss(child.pid) : undefined;
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer =
      options.timeoutSeconds !== undefined
        ? setTimeout(() => {
            stderr += `\n(killed after ${options.timeoutSeconds} s)`;
            if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
          }, options.timeoutSeconds * 1000)
        : undefined;
    child.once('error', (error) => {
      if (timer) clearTimeout(timer);
      rss?.stop();
      untrack();
      reject(error);
    });
    child.once('close', (code, signal) => {
      const wallSeconds = (performance.now() - started) / 1000;
      if (timer) clearTimeout(timer);
      const peakRssMb = rss?.stop() ?? 0;
      // The group may still hold grandchildren (a Python pool's workers): end them.
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      untrack();
      if (code === 0) resolve({ stdout, stderr, wallSeconds, peakRssMb });
      else reject(new CommandFailedError([file, ...args].join(' ').slice(0, 200), code, signal, stderr));
    });
  });
}
