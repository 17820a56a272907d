import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Arm } from '../src/arm.js';
import { runInterleaved } from '../src/interleave.js';

function recordingArm(name: string, log: string[], failOnRun?: number): Arm {
  let runs = 0;
  return {
    name,
    async open() {
      log.push(`open ${name}`);
    },
    async run() {
      runs++;
      log.push(`run ${name}`);
      if (runs === failOnRun) throw new Error(`${name} broke`);
      return { requests: 10 * runs, seconds: 1 };
    },
    async close() {
      log.push(`close ${name}`);
    },
  };
}

test('arms run A B A B after one warm-up each, and all are closed', async () => {
  const log: string[] = [];
  const outcomes = await runInterleaved({
    id: 's', title: '', description: '', primary: 'reqPerSec', repetitions: 2,
    arms: [recordingArm('A', log), recordingArm('B', log)],
  });
  assert.deepEqual(log, ['open A', 'open B', 'run A', 'run B', 'run A', 'run B', 'run A', 'run B', 'close B', 'close A']);
  // The warm-up (first run) is not counted.
  assert.deepEqual(outcomes[0]!.samples.map((s) => s?.requests), [20, 30]);
});

test('a failing arm is reported and dropped; a skipped arm never runs', async () => {
  const log: string[] = [];
  const skipped: Arm = { name: 'C', skip: 'wrk not installed', run: async () => assert.fail('a skipped arm ran') };
  const outcomes = await runInterleaved({
    id: 's', title: '', description: '', primary: 'reqPerSec', repetitions: 3,
    arms: [recordingArm('A', log, 3), recordingArm('B', log), skipped],
  });
  assert.equal(outcomes[0]!.status, 'failed');
  assert.match(outcomes[0]!.reason!, /A broke/);
  assert.deepEqual(outcomes[0]!.samples.map((s) => s?.requests), [20, undefined, undefined]);
  assert.equal(outcomes[1]!.status, 'ok');
  assert.equal(outcomes[1]!.samples.length, 3);
  assert.deepEqual([outcomes[2]!.status, outcomes[2]!.reason], ['skipped', 'wrk not installed']);
  assert.ok(log.includes('close A'), 'a failed arm is still closed');
});
