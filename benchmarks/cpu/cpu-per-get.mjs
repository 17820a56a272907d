/**
 * CPU time per small GET, coordinator and children apart (issue #14's targets:
 * coordinator <= 60 us, child <= 200 us, 16 in flight). CPU time rather than
 * wall time because the machine this runs on is shared: utime + stime from
 * /proc/<pid>/stat is what the process itself spent, whatever the load.
 *
 *   node benchmarks/cpu/cpu-per-get.mjs [--workers 2] [--total 3000] [--warm-up 1000] [--in-flight 16] [--rounds 3]
 *   node benchmarks/cpu/cpu-per-get.mjs --got        (got in-process, the same load: its CPU per GET)
 *   node --cpu-prof benchmarks/cpu/cpu-per-get.mjs --child-flag=--cpu-prof --child-flag=--cpu-prof-dir=DIR
 *
 * The server runs in a process of its own so that its CPU is not counted.
 * Imports the built packages (run `pnpm build` first).
 */
import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const { values: args } = parseArgs({
  options: {
    workers: { type: 'string', default: '2' },
    total: { type: 'string', default: '3000' },
    'warm-up': { type: 'string', default: '1000' },
    'in-flight': { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
    got: { type: 'boolean', default: false },
    // e.g. --child-flag=--cpu-prof --child-flag=--cpu-prof-dir=/tmp/prof (profile the children)
    'child-flag': { type: 'string', multiple: true, default: [] },
  },
});
const workers = Number(args.workers);
const total = Number(args.total);
const warmUp = Number(args['warm-up']);
const inFlight = Number(args['in-flight']);
const rounds = Number(args.rounds);

const TICK_US = 1e6 / 100; // USER_HZ: 100 on Linux

/** utime + stime of `pid`, in microseconds (clock-tick resolution). */
function cpuUs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

function childPids() {
  const pids = [];
  for (const task of readdirSync('/proc/self/task')) {
    const text = readFileSync(`/proc/self/task/${task}/children`, 'utf8').trim();
    if (text) pids.push(...text.split(' ').map(Number));
  }
  return pids;
}

async function startServer() {
  const child = fork(fileURLToPath(new URL('./small-json-server.mjs', import.meta.url)), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [port] = await once(child, 'message');
  return { child, url: `http://127.0.0.1:${port}/small` };
}

/** `count` calls of `send`, `inFlight` at a time. */
async function drive(send, count) {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next++;
      const status = await send();
      if (status !== 200) throw new Error(`status ${status}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

async function pooled(url) {
  const { FuturesSession, ProcessPoolExecutor } = await import('@requests-futures/core');
  const executor = new ProcessPoolExecutor({ maxWorkers: workers, concurrencyPerWorker: Math.max(1, Math.round(inFlight / workers)),
    ...(args['child-flag'].length > 0 ? { execArgv: args['child-flag'] } : {}),
  });
  const session = new FuturesSession({ executor, adapterOptions: { poolMaxSize: inFlight } });
  const send = async () => (await session.get(url)).statusCode;
  return { send, close: async () => { await session.close(); await executor.shutdown({ wait: true }); } };
}

async function inProcessGot(url) {
  const { default: got } = await import('got');
  const { Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  const client = got.extend({ agent: { http: agent }, retry: { limit: 0 } });
  const send = async () => (await client(url)).statusCode;
  return { send, close: async () => agent.destroy() };
}

const server = await startServer();
const engine = args.got ? await inProcessGot(server.url) : await pooled(server.url);
try {
  await drive(engine.send, warmUp);
  const children = childPids().filter((pid) => pid !== server.child.pid);
  console.log(`${args.got ? 'got in-process' : `ProcessPool(${workers})`}, ${total} GETs x ${rounds} rounds, ${inFlight} in flight, after ${warmUp} warm-up; children ${children.join(' ') || '-'}; loadavg ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  for (let round = 0; round < rounds; round++) {
    const before = { self: cpuUs(process.pid), children: children.map(cpuUs), wall: performance.now() };
    await drive(engine.send, total);
    const after = { self: cpuUs(process.pid), children: children.map(cpuUs), wall: performance.now() };
    const perChild = after.children.reduce((sum, us, i) => sum + us - before.children[i], 0) / total;
    const perSelf = (after.self - before.self) / total;
    const reqPerSec = total / ((after.wall - before.wall) / 1000);
    console.log(`round ${round + 1}: coordinator ${perSelf.toFixed(0)} us/GET, children ${perChild.toFixed(0)} us/GET (sum), ${reqPerSec.toFixed(0)} req/s wall`);
  }
} finally {
  await engine.close();
  server.child.kill();
}
