import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openBarePool } from '../cpu/bare-pool.mjs';

const RF_GOT = fileURLToPath(new URL('../../packages/core/dist/vendor/got.js', import.meta.url));
const FRESH_RUN = fileURLToPath(new URL('../cpu/fresh-run.mjs', import.meta.url));
const skip = !existsSync(RF_GOT) && 'core is not built (pnpm build)';

async function countingServer() {
  const paths: string[] = [];
  const server = createServer((request, response) => {
    paths.push(request.url!);
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ path: request.url }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => {
    server.closeAllConnections();
    server.close();
  };
  return { paths, base, close };
}

test('the bare pool answers each GET with its own reply, spreads them over its children and ends them on close', { skip }, async () => {
  const server = await countingServer();
  try {
    const pool = await openBarePool({ workers: 2 });
    assert.equal(pool.pids.length, 2);
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.get(`${server.base}/n${i}`)));
    assert.equal(server.paths.length, 20);
    assert.deepEqual(new Set(server.paths), new Set(Array.from({ length: 20 }, (_, i) => `/n${i}`)));
    replies.forEach((reply, i) => {
      assert.equal(reply.statusCode, 200);
      assert.equal(reply.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(reply.body), { path: `/n${i}` });
    });
    await pool.close();
    // Signal 0 only asks whether the process exists: ESRCH once it has exited and been reaped.
    for (const pid of pool.pids) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `child ${pid} still runs after close`);
  } finally {
    server.close();
  }
});

test('a GET the child cannot send rejects instead of hanging', { skip }, async () => {
  const pool = await openBarePool({ workers: 1 });
  try {
    await assert.rejects(pool.get('http://127.0.0.1:1/refused'), /bare child: .*ECONNREFUSED/);
  } finally {
    await pool.close();
  }
});

test('openBarePool refuses a worker count that is not a positive integer', async () => {
  await assert.rejects(openBarePool({ workers: 0 }), { name: 'RangeError', message: /workers must be an integer >= 1, got 0/ });
});

test('fresh-run.mjs runs the bare arm as a script does: one GET, then N, then every child exits', { skip }, async () => {
  const server = await countingServer();
  try {
    await promisify(execFile)(process.execPath, [FRESH_RUN, 'bare', `${server.base}/small`, '30', '2'], { timeout: 60_000 });
    assert.equal(server.paths.length, 31);
  } finally {
    server.close();
  }
});
