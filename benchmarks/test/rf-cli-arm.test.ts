import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gotFloorArm, nodeFloorArm, RF_GOT } from '../src/arms/floor-arms.js';
import { rfDownloadArm } from '../src/arms/rf-cli-arm.js';
import { listText } from '../src/arms/whole-process-arm.js';

const RF = fileURLToPath(new URL('../../packages/cli/bundle/rf.cjs', import.meta.url));

test('listText names the files 0000.bin, 0001.bin, … in list order', () => {
  assert.equal(listText(['http://a/x', 'http://a/y']), 'http://a/x\t0000.bin\nhttp://a/y\t0001.bin\n');
});

test('rfDownloadArm runs rf as a fresh process, checks the bytes written and cleans up', { skip: !existsSync(RF) && 'rf is not bundled (pnpm build)' }, async () => {
  const server = createServer((request, response) => response.end(Buffer.alloc(request.url === '/short' ? 10 : 1000)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const workDir = await mkdtemp(join(tmpdir(), 'rf-arm-'));
  try {
    const urls = [`${base}/a`, `${base}/b`, `${base}/c`];
    const arm = rfDownloadArm({ name: 'rf', rf: RF, urls, expectedBytes: 3000, jobs: 2, flags: ['--processes', '0'], workDir });
    await arm.open!();
    const result = await arm.run();
    assert.equal(result.bytes, 3000);
    assert.equal(result.requests, 3);
    assert.ok(result.seconds > 0 && (result.peakRssMb ?? 0) > 0);
    await arm.close!();
    assert.deepEqual(await readdir(workDir), []);

    const short = rfDownloadArm({ name: 'rf', rf: RF, urls: [`${base}/short`], expectedBytes: 1000, jobs: 1, flags: [], workDir });
    await short.open!();
    await assert.rejects(short.run(), /10 bytes written, expected 1000/);
    await short.close!();
  } finally {
    server.closeAllConnections();
    server.close();
    await rm(workDir, { recursive: true, force: true });
  }
});

test('rfDownloadArm with rerun times a second run over what the first left: with --resume every file is kept, nothing is fetched again', { skip: !existsSync(RF) && 'rf is not bundled (pnpm build)' }, async () => {
  const fetched: string[] = [];
  const server = createServer((request, response) => {
    fetched.push(request.headers.range ?? 'whole');
    const body = Buffer.alloc(1000, 1);
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    if (range === null) return response.writeHead(200, { ETag: '"e"', 'Content-Length': body.length }).end(body);
    const start = Number(range[1]);
    response.writeHead(206, { ETag: '"e"', 'Content-Length': body.length - start, 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` }).end(body.subarray(start));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const workDir = await mkdtemp(join(tmpdir(), 'rf-arm-rerun-'));
  try {
    const arm = rfDownloadArm({ name: 'rf', rf: RF, urls: [`${base}/a`, `${base}/b`], expectedBytes: 2000, jobs: 2, flags: ['--processes', '0', '--resume'], workDir, rerun: true });
    await arm.open!();
    const result = await arm.run();
    assert.equal(result.bytes, 2000);
    // The first run fetched both whole; the timed rerun only probed each file's last byte.
    assert.deepEqual(fetched.sort(), ['bytes=999-', 'bytes=999-', 'whole', 'whole']);
    await arm.close!();
    assert.deepEqual(await readdir(workDir), []);
  } finally {
    server.closeAllConnections();
    server.close();
    await rm(workDir, { recursive: true, force: true });
  }
});

for (const [name, floorArm] of [
  ['nodeFloorArm', nodeFloorArm],
  ['gotFloorArm', gotFloorArm],
] as const) {
  test(`${name} downloads, with and without sha256, checks the bytes and cleans up`, { skip: name === 'gotFloorArm' && !existsSync(RF_GOT) && 'core is not built (pnpm build)' }, async () => {
    const server = createServer((request, response) => response.end(Buffer.alloc(request.url === '/short' ? 10 : 70_000, 7)));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const workDir = await mkdtemp(join(tmpdir(), 'floor-arm-'));
    try {
      for (const sha256 of [false, true]) {
        const arm = floorArm({ name: 'floor', urls: [`${base}/a`, `${base}/b`, `${base}/c`], expectedBytes: 210_000, jobs: 2, sha256, workDir });
        await arm.open!();
        const result = await arm.run();
        assert.equal(result.bytes, 210_000);
        assert.equal(result.requests, 3);
        await arm.close!();
      }
      const short = floorArm({ name: 'floor', urls: [`${base}/short`], expectedBytes: 70_000, jobs: 1, sha256: false, workDir });
      await short.open!();
      await assert.rejects(short.run(), /10 bytes written, expected 70000/);
      await short.close!();
      assert.deepEqual(await readdir(workDir), []);
    } finally {
      server.closeAllConnections();
      server.close();
      await rm(workDir, { recursive: true, force: true });
    }
  });
}
