/**
 * A timeout too large for a timer (above 2^31-1 ms, about 24.8 days) is
 * refused with a RangeError naming the limit, instead of reaching got, where
 * Node would emit a TimeoutOverflowWarning and fire the timer after 1 ms: a
 * "very long" timeout would have failed at once. The largest timer and
 * Infinity (no timer) work, and no TimeoutOverflowWarning is emitted, in this
 * process or in a pool child.
 *
 * The warnings are heard in a fresh Node process (fixtures/timeout-overflow.mjs):
 * the test process is shared with other test files, and every warning heard must be the script's.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startCountingServer, type CountingServer } from './support/counting-server.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/timeout-overflow.mjs', import.meta.url));
const SESSIONS = ['Session', 'ThreadPoolExecutor', 'ProcessPoolExecutor'] as const;
const ACCEPTED_PER_SESSION = 4;

interface ScriptResult {
  control: { coordinator: string[]; child: string[] };
  results: Record<(typeof SESSIONS)[number], { refused: string[]; statuses: number[] }>;
  warnings: { coordinator: string[]; child: string[] };
  childPids: number[];
}

let counting: CountingServer;
beforeAll(async () => {
  counting = await startCountingServer();
});
afterAll(async () => {
  await counting.close();
});

it('too-large timeouts are refused naming the limit; the largest timer and Infinity work; no TimeoutOverflowWarning anywhere', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [SCRIPT, `${counting.url}/target`], { timeout: 60_000 });
  const result = JSON.parse(stdout) as ScriptResult;

  // The listeners do hear this warning, in the coordinator and in a pool child.
  expect(result.control).toEqual({ coordinator: ['TimeoutOverflowWarning'], child: ['TimeoutOverflowWarning'] });
  for (const name of SESSIONS) {
    const { refused, statuses } = result.results[name];
    expect(refused).toEqual([
      expect.stringMatching(/^RangeError: timeout must be at most 2147483\.647 seconds .*got 10000000000/),
      expect.stringMatching(/^RangeError: timeout \(read\) must be at most 2147483\.647 seconds .*got 10000000000/),
      expect.stringMatching(/^RangeError: timeout must be at most 2147483\.647 seconds .*got 2147483\.648/),
    ]);
    expect(statuses).toEqual(Array(ACCEPTED_PER_SESSION).fill(200));
  }
  expect(result.warnings).toEqual({ coordinator: [], child: [] });
  // Only the accepted requests reached the server.
  await counting.quiesce();
  expect(counting.requests).toBe(SESSIONS.length * ACCEPTED_PER_SESSION);
  // The script shut its pool down: its child is gone.
  expect(result.childPids).toHaveLength(1);
  for (const pid of result.childPids) expect(existsSync(`/proc/${pid}`)).toBe(false);
});
