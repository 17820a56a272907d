import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { countHelperCpu, cpuTimeUs } from '../src/proc/cpu-time.js';

test("another process's CPU time is read from /proc, and a gone process counts 0", async () => {
  // A child that spins until it has used 300 ms of CPU (its own count), then waits to be killed.
  const spin = 'while (process.cpuUsage().user + process.cpuUsage().system < 300000); console.log("spun"); setInterval(() => {}, 1000)';
  const child = spawn(process.execPath, ['-e', spin], { stdio: ['ignore', 'pipe', 'ignore'] });
  const counter = countHelperCpu({ workers: [child.pid!], redis: [] });
  await once(child.stdout!, 'data');
  const { workersCpuUs, redisCpuUs } = counter.stop();
  // At least the spin (less a 10 ms tick at each end); Node's own start-up may add up to a few hundred ms under load.
  assert.ok(workersCpuUs >= 280_000 && workersCpuUs <= 1_000_000, `${workersCpuUs} µs`);
  assert.equal(redisCpuUs, undefined, 'no Redis pid: no Redis figure');
  child.kill('SIGKILL');
  await once(child, 'exit');
  assert.equal(cpuTimeUs(child.pid!), 0);
});
