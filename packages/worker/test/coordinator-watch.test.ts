import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isAlive } from '@requests-futures/testing';
import { PARENT_CHECK_MS } from '../dist/coordinator-watch.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/orphan-watch.mjs', import.meta.url));
const pids: number[] = [];

afterEach(() => {
  for (const pid of pids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
});

async function within(ms: number, condition: () => boolean): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

describe('watchCoordinator', () => {
  it('notices a SIGKILLed parent by its pid changing, without any IPC channel to close', async () => {
    const parent: ChildProcess = spawn(process.execPath, [FIXTURE, 'parent'], { stdio: ['ignore', 'pipe', 'pipe'] });
    pids.push(parent.pid!);
    let stderr = '';
    parent.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const orphan = await new Promise<number>((resolve) => parent.stdout!.setEncoding('utf8').once('data', (line: string) => resolve(Number(line.trim()))));
    pids.push(orphan);
    expect(isAlive(orphan)).toBe(true);
    parent.kill('SIGKILL');
    // One check interval, plus a loaded machine's scheduling.
    await within(PARENT_CHECK_MS + 1500, () => !isAlive(orphan));
    await within(1000, () => stderr.includes('orphan noticed'));
    expect(stderr).toContain(`orphan noticed: its coordinator (pid ${parent.pid}) exited`);
  });
});
