/**
 * DistributedExecutor (BullMQ on a local redis-server, N `rf worker`
 * processes) against ProcessPoolExecutor with N children, on this machine:
 * small GETs and a bulk set saved to disk, interleaved repetitions, medians.
 * Reports requests/s, the ratio to the pool, and the coordinator's CPU per
 * task (process.cpuUsage of this process, which only coordinates).
 *
 *   pnpm build && node packages/distributed/bench/distributed-vs-pool.mjs [--reps 5] [--gets 2000] [--files 200]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FuturesSession, ProcessPoolExecutor } from '@requests-futures/core';
import { DistributedExecutor } from '@requests-futures/distributed';
import { startRedisServer } from '@requests-futures/testing';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' }, gets: { type: 'string', default: '2000' }, files: { type: 'string', default: '200' }, 'file-kb': { type: 'string', default: '256' } } });
const REPS = Number(values.reps);
const GETS = Number(values.gets);
const FILES = Number(values.files);
const FILE_BYTES = Number(values['file-kb']) * 1024;
const PER_WORKER = 16;
const RF = fileURLToPath(new URL('../../cli/bundle/rf.mjs', import.meta.url));

const children = new Set();
function start(args, onLine) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let text = '';
    const hear = (chunk) => {
      text += chunk;
      if (onLine(text)) resolve({ child, text });
    };
    child.stdout.setEncoding('utf8').on('data', hear);
    child.stderr.setEncoding('utf8').on('data', hear);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${text}`)));
  });
}

async function stopAll() {
  await Promise.all([...children].map((child) => new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  })));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const redis = await startRedisServer();
const { text: serverUrl } = await start([fileURLToPath(new URL('./serve.mjs', import.meta.url))], (text) => text.includes('\n'));
const base = serverUrl.trim();
const dir = await mkdtemp(join(tmpdir(), 'rf-dist-bench-'));

/** One arm: a session on an executor, opened once, measured many times. */
async function openArm(name, workers, distributed) {
  let executor;
  if (distributed) {
    const queue = `bench${workers}`;
    for (let i = 0; i < workers; i++) await start([RF, 'worker', '--redis', redis.url, '--queue', queue, '--concurrency', String(PER_WORKER)], (text) => text.includes('consuming queue'));
    executor = new DistributedExecutor({ redis: redis.url, queue, maxQueued: 2 * PER_WORKER * workers });
  } else {
    executor = new ProcessPoolExecutor({ maxWorkers: workers, concurrencyPerWorker: PER_WORKER });
  }
  const session = new FuturesSession({ executor });
  return { name, workers, distributed, executor, session };
}

async function measure(arm, kind) {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  let futures;
  if (kind === 'gets') futures = Array.from({ length: GETS }, () => arm.session.get(`${base}/get`));
  else futures = Array.from({ length: FILES }, (_, i) => arm.session.get(`${base}/bytes/${FILE_BYTES}?seed=${i}`, { saveTo: join(dir, `${arm.name}-${i}.bin`) }));
  for (const future of futures) {
    const response = await future;
    if (response.statusCode !== 200) throw new Error(`${arm.name}: status ${response.statusCode}`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return { perSecond: futures.length / seconds, cpuUsPerTask: (used.user + used.system) / futures.length };
}

const arms = [];
for (const workers of [1, 2]) {
  arms.push(await openArm(`ProcessPoolExecutor ${workers}`, workers, false));
  arms.push(await openArm(`DistributedExecutor ${workers}`, workers, true));
}
const results = new Map();
try {
  for (const kind of ['gets', 'bulk']) {
    for (const arm of arms) await measure(arm, kind); // warm-up
    for (let rep = 0; rep < REPS; rep++) {
      for (const arm of arms) {
        const key = `${kind}\t${arm.name}`;
        if (!results.has(key)) results.set(key, []);
        results.get(key).push(await measure(arm, kind));
      }
    }
  }
  console.log(`${GETS} small GETs / ${FILES} × ${FILE_BYTES / 1024} KiB saved, ${REPS} interleaved repetitions, medians; ${PER_WORKER} tasks per worker at once`);
  console.log('scenario\tarm\ttasks/s\tratio to pool\tcoordinator CPU µs/task');
  for (const kind of ['gets', 'bulk']) {
    for (const arm of arms) {
      const mine = results.get(`${kind}\t${arm.name}`);
      const pool = results.get(`${kind}\tProcessPoolExecutor ${arm.workers}`);
      const rate = median(mine.map((r) => r.perSecond));
      const ratio = rate / median(pool.map((r) => r.perSecond));
      console.log(`${kind}\t${arm.name}\t${rate.toFixed(0)}\t${ratio.toFixed(2)}\t${median(mine.map((r) => r.cpuUsPerTask)).toFixed(0)}`);
    }
  }
} finally {
  for (const arm of arms) {
    await arm.session.close();
    await arm.executor.shutdown();
  }
  await stopAll();
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
}
