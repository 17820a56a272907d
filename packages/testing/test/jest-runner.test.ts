/**
 * The test runner set up in jest.config.js and jest/ (jest-light-runner, one realm with Node):
 * what jest's own runner guaranteed and this one must too.
 */
import { spawn } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { isAlive } from '@requests-futures/testing';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const JEST = path.join(ROOT, 'node_modules/jest/bin/jest.js');

interface NestedRun {
  readonly code: number | null;
  readonly output: string;
}

/** Runs one fixture through the workspace's jest config; settles once every process holding its output has exited. */
function runFixture(fixture: string, env: NodeJS.ProcessEnv = {}): Promise<NestedRun> {
  const child = spawn(process.execPath, ['--experimental-vm-modules', JEST, '--ci', '--testMatch', `<rootDir>/packages/testing/test/fixtures/${fixture}`], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close', not 'exit': a test process jest left behind would still hold the pipes.
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe('jest-light-runner as configured', () => {
  it('ends a test process that a test file left a connection open in, once the run is over', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // The fixture's process holds this connection: it closes when that process is gone.
    const connected = new Promise<{ pid: number; closed: Promise<void> }>((resolve) =>
      server.once('connection', (socket) => {
        const closed = new Promise<void>((done) => socket.on('close', () => done()));
        socket.once('data', (data: Buffer) => resolve({ pid: Number(data.toString().trim()), closed }));
      }),
    );
    try {
      const run = await runFixture('leaves-a-socket-open.fixture.ts', { RF_FIXTURE_PORT: String((server.address() as AddressInfo).port) });
      expect(run.output).toContain('1 passed, 1 total');
      expect(run.code).toBe(0);
      const { pid, closed } = await connected;
      expect(pid).not.toBe(process.pid);
      await closed;
      expect(isAlive(pid)).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("fails a test that outlives its timeout (the runner itself does not enforce jest's), and runs the next", async () => {
    const run = await runFixture('hangs.fixture.ts');
    expect(run.output).toContain('Exceeded timeout of 300 ms for a test.');
    expect(run.output).toMatch(/1 failed, 1 passed, 2 total/);
    expect(run.code).toBe(1);
  });
});
