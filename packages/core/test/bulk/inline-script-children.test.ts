/**
 * A program run as `node -e "<script>"` that uses a ProcessPoolExecutor: its
 * children must not inherit `-e <script>` (they would run the script, each
 * starting a pool of its own, instead of serving tasks). Found by running a
 * bulk download from `node -e`.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { inheritedExecArgv } from '../../dist/executors/process-pool-options.js';

const CORE = new URL('../../dist/index.js', import.meta.url).href;

describe('ProcessPoolExecutor children and the parent\'s inline script', () => {
  it('drops -e/--eval/-p/--print/--input-type and their values from the inherited flags, keeps the others', () => {
    expect(inheritedExecArgv(['--input-type=module', '-e', 'run()', '--max-old-space-size=256', '--eval=x()', '-p', '1', '--print=2', '--input-type', 'commonjs', '--inspect=9229', '--no-warnings'])).toEqual([
      '--max-old-space-size=256',
      '--no-warnings',
    ]);
  });

  it('a `node -e` program gets its task run by a child (which does not re-run the script)', () => {
    // Only pool children have an IPC channel: one that runs the script stops at once instead of starting a pool.
    const script = `
      if (process.send) process.exit(3);
      const { ProcessPoolExecutor, fnRef } = await import(${JSON.stringify(CORE)});
      const executor = new ProcessPoolExecutor({ maxWorkers: 1 });
      const childPid = await executor.submit(fnRef('node:process', 'cpuUsage')).then(() => executor.stats().workers[0]);
      await executor.shutdown();
      console.log(JSON.stringify({ parent: process.pid, child: childPid }));
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    // Printed once: by the parent only.
    expect(lines).toHaveLength(1);
    const { parent, child } = JSON.parse(lines[0]!) as { parent: number; child: number };
    expect(child).toEqual(expect.any(Number));
    expect(child).not.toBe(parent);
  });
});
