import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CORE_DIST_INDEX, freshRunArm } from '../src/scenarios/fresh-pool.js';

const FRESH_RUN = fileURLToPath(new URL('../cpu/fresh-run.mjs', import.meta.url));
const skip = !existsSync(CORE_DIST_INDEX) && 'core is not built (pnpm build)';

/** Answers every GET with `status`, counting them. */
async function countingServer(status = 200) {
  let requests = 0;
  const server = createServer((_request, response) => {
    requests++;
    response.statusCode = status;
    response.end('{"ok":true}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/small`,
    requests: () => requests,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

test("the scenario's pool arm runs one fresh script: the first GET, then N, and counts them all", { skip }, async () => {
  const server = await countingServer();
  try {
    const arm = freshRunArm('pool', 'two children', server.url, { runnerArm: CORE_DIST_INDEX, workers: 2, gets: 40 });
    const result = await arm.run();
    assert.equal(server.requests(), 41);
    assert.equal(result.requests, 41);
    assert.ok(result.seconds > 0, `wall ${result.seconds} s`);
  } finally {
    server.close();
  }
});

test("the thread kind runs the session's own ThreadPoolExecutor", { skip }, async () => {
  const server = await countingServer();
  try {
    const result = await freshRunArm('threads', '16 threads', server.url, { runnerArm: CORE_DIST_INDEX, workers: 16, kind: 'thread', gets: 30 }).run();
    assert.equal(result.requests, 31);
    assert.equal(server.requests(), 31);
  } finally {
    server.close();
  }
});

test('a run whose server answers 500 fails the arm instead of counting as a fast one', { skip }, async () => {
  const server = await countingServer(500);
  try {
    // got throws on a 500 itself; the pool's run checks each status (drive.mjs).
    for (const choice of [{ runnerArm: 'got', workers: 1 }, { runnerArm: CORE_DIST_INDEX, workers: 1 }]) {
      await assert.rejects(freshRunArm('arm', 'any', server.url, { ...choice, gets: 5 }).run(), (error: Error & { exitCode?: number; stderr?: string }) => {
        assert.equal(error.name, 'CommandFailedError');
        assert.equal(error.exitCode, 1);
        assert.match(error.stderr ?? '', /500/);
        return true;
      });
    }
  } finally {
    server.close();
  }
});

test('fresh-run.mjs refuses an executor kind it does not know, naming it', async () => {
  await assert.rejects(promisify(execFile)(process.execPath, [FRESH_RUN, 'got', 'http://127.0.0.1:1/', '1', '1', 'fiber']), (error: Error & { stderr: string }) => {
    assert.match(error.stderr, /the executor kind must be process or thread, got fiber/);
    return true;
  });
});
