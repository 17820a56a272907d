/**
 * Python's httpbin (Debian's python3-httpbin) under gunicorn on a free
 * loopback port, for what our own httpbin-like server lacks (/digest-auth).
 * close() stops the master, which stops its worker, and proves through
 * /proc that neither survives.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { isAlive } from '@requests-futures/testing';

export interface PythonHttpbin {
  url: string;
  pids(): number[];
  close(): Promise<void>;
}

const START_DEADLINE_MS = 30_000;
const STOP_DEADLINE_MS = 10_000;

async function waitUntil(condition: () => boolean, deadlineMs: number, what: string): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`python httpbin: timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function startPythonHttpbin(): Promise<PythonHttpbin> {
  const child: ChildProcess = spawn('/usr/bin/python3', ['-m', 'gunicorn', '--bind', '127.0.0.1:0', '--workers', '1', '--log-level', 'info', 'httpbin:app'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    log += text;
  });
  const listening = () => /Listening at: (http:\/\/127\.0\.0\.1:\d+)/.exec(log)?.[1];
  const workers = () => [...log.matchAll(/Booting worker with pid: (\d+)/g)].map((m) => Number(m[1]));
  try {
    await waitUntil(() => exited || (listening() !== undefined && workers().length > 0), START_DEADLINE_MS, 'it listens');
    if (exited) throw new Error(`python httpbin exited at start:\n${log}`);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const pids = () => [child.pid!, ...workers()];
  return {
    url: listening()!,
    pids,
    async close() {
      const all = pids();
      child.kill('SIGTERM');
      await waitUntil(() => exited && all.every((pid) => !isAlive(pid)), STOP_DEADLINE_MS, 'gunicorn and its worker exit');
    },
  };
}
