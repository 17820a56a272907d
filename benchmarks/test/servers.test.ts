/**
 * The servers start, serve, and leave nothing behind (checked by pid).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startJsonServer } from '../src/servers/json-server.js';
import { startNginx, renderNginxConfig } from '../src/servers/nginx.js';
import { startRedis } from '../src/servers/redis.js';
import { connect } from 'node:net';
import { generateFileSet } from '../src/servers/files.js';
import { findTool } from '../src/tools.js';
import { runCommand } from '../src/proc/run-command.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('json server runs in its own process and is gone after stop()', async () => {
  const server = await startJsonServer();
  try {
    assert.notEqual(server.pid, process.pid);
    const small = await fetch(server.smallUrl);
    assert.equal(small.headers.get('content-type'), 'application/json');
    const body = await small.text();
    assert.equal(body.length, server.smallBytes);
    assert.ok(server.smallBytes > 150 && server.smallBytes < 300, `small body is ≈200 bytes, got ${server.smallBytes}`);
    const big = (await (await fetch(server.bigUrl)).json()) as unknown[];
    assert.ok(server.bigBytes > 45_000 && server.bigBytes < 60_000 && big.length > 100);
    assert.equal((await fetch(`${server.origin}/nope`)).status, 404);
  } finally {
    await server.stop();
  }
  assert.equal(alive(server.pid), false);
});

test('generated files are deterministic and kept when already right', async () => {
  const root = await mkdtemp(join(tmpdir(), 'bench-files-'));
  try {
    const [first] = await generateFileSet(root, { name: 'set', count: 2, sizeBytes: 100_000 });
    const bytes = await readFile(first!.absolutePath);
    await rm(first!.absolutePath);
    await generateFileSet(root, { name: 'set', count: 2, sizeBytes: 100_000 });
    assert.deepEqual(await readFile(first!.absolutePath), bytes, 'same name, same bytes');
    const other = await readFile(join(root, 'set', 'file-001.bin'));
    assert.notDeepEqual(other, bytes, 'each file has its own content');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('nginx config keeps everything under the prefix', async () => {
  const conf = await renderNginxConfig({ prefix: '/w/nginx', root: '/w/files', port: 4321 });
  assert.match(conf, /listen 127\.0\.0\.1:4321;/);
  assert.match(conf, /daemon off;/);
  assert.match(conf, /pid \/w\/nginx\/nginx\.pid;/);
  assert.doesNotMatch(conf, /\{\{/);
  assert.match(conf, /^worker_processes 1;$/m);
  const two = await renderNginxConfig({ prefix: '/w/nginx', root: '/w/files', port: 4321, workerProcesses: 2 });
  assert.match(two, /^worker_processes 2;$/m);
});

const nginx = findTool('nginx');
test('nginx serves the files and stop() ends master and workers', { skip: nginx.found ? false : nginx.reason }, async () => {
  if (!nginx.found) return;
  const work = await mkdtemp(join(tmpdir(), 'bench-nginx-'));
  try {
    const files = await generateFileSet(join(work, 'files'), { name: 'x', count: 1, sizeBytes: 1 << 20 });
    const server = await startNginx({ nginxPath: nginx.path, root: join(work, 'files'), workDir: work });
    let pgidMembers: number[] = [];
    try {
      const res = await fetch(`${server.origin}/${files[0]!.relativePath}`);
      assert.equal(res.status, 200);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), await readFile(files[0]!.absolutePath));
      const ps = await runCommand('ps', ['-o', 'pid=', '-g', String(server.pid)]);
      pgidMembers = ps.stdout.split('\n').map((l) => Number(l.trim())).filter((n) => n > 0);
      assert.ok(pgidMembers.length >= 2, 'a master and a worker');
    } finally {
      await server.stop();
    }
    for (const pid of pgidMembers) assert.equal(alive(pid), false, `nginx process ${pid} survived stop()`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

const redisServer = findTool('redis-server');

test('redis-server answers PING on loopback and is gone after stop()', { skip: redisServer.found ? false : redisServer.reason }, async () => {
  if (!redisServer.found) return;
  const redis = await startRedis(redisServer.path);
  try {
    const url = new URL(redis.url);
    assert.equal(url.hostname, '127.0.0.1');
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), '127.0.0.1', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        resolve(data.toString());
        socket.destroy();
      });
      socket.once('error', reject);
    });
    assert.equal(reply, '+PONG\r\n');
  } finally {
    await redis.stop();
  }
  assert.equal(alive(redis.pid), false, 'redis-server survived stop()');
});
