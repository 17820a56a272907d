/**
 * The service as a real child process (its built main.js), with its JSON log
 * lines parsed as they arrive, so a test can wait for an event (not a time).
 * It runs in its own process group: clean-up can end everything it started
 * even when a test failed midway.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const SERVICE_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface LogLine {
  event: string;
  pid: number;
  [field: string]: unknown;
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly lines: readonly LogLine[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first log line (past or future) that matches; rejects if the service exits first. */
  waitFor(description: string, match: (line: LogLine) => boolean): Promise<LogLine>;
  /** For clean-up: SIGKILL to the whole process group. */
  killGroup(): void;
  stderr(): string;
}

export function startService(env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, [SERVICE_MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid!;
  const lines: LogLine[] = [];
  const waiters: Array<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = [];
  let pending = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf('\n')) !== -1) {
      const text = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (text.trim() === '') continue;
      const line = JSON.parse(text) as LogLine;
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.match(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  return {
    child,
    pid,
    lines,
    exited,
    waitFor(description, match) {
      const found = lines.find(match);
      if (found) return Promise.resolve(found);
      return new Promise<LogLine>((resolve, reject) => {
        waiters.push({ match, resolve });
        void exited.then(({ code, signal }) =>
          reject(new Error(`service exited (code ${code}, signal ${signal}) before logging ${description}; stderr: ${stderr.slice(-2000)}`)),
        );
      });
    },
    killGroup() {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // ESRCH: the group is already gone.
      }
    },
    stderr: () => stderr,
  };
}
