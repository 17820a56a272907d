/**
 * CPU time per small GET, coordinator and children apart (issue #14's targets:
 * coordinator <= 60 us, child <= 200 us, 16 in flight). CPU time rather than
 * wall time because the machine this runs on is shared: utime + stime from
 * /proc/<pid>/stat is what the process itself spent, whatever the load.
 *
 *   node benchmarks/cpu/cpu-per-get.mjs [--workers 2] [--total 3000] [--warm-up 1000] [--in-flight 16] [--rounds 3]
 *   node benchmarks/cpu/cpu-per-get.mjs --arm this --arm /other/checkout/packages/core/dist/index.js --arm got
 *
 * Arms: `this` (this checkout's build), another build's packages/core/dist/index.js
 * (a before/after), `got` (got in-process: its CPU per GET), `bare` (the floor: got in
 * `--workers` bare children behind an id -> resolver map, bare-pool.mjs). Several arms run in
 * one process, interleaved round by round (A B A B ...), so that the machine's
 * load hits them alike; the coordinator's figure is then this process's CPU
 * (getrusage) during that arm's rounds. Medians are printed at the end, and
 * each arm's median ratio to the first arm, round by round.
 *   node benchmarks/cpu/cpu-per-get.mjs --separate --arm this --arm /other/.../index.js
 * --separate runs each arm in a process of its own (still interleaved round by round, this
 * process only conducting): arms in one process share its heap, JIT and GC, which blurs a
 * before/after of the coordinator.
 * `this::--maglev` (any arm, `::` then flags) gives that arm's children those flags (arm-flags.mjs).
 *   node --cpu-prof benchmarks/cpu/cpu-per-get.mjs --child-flag=--cpu-prof --child-flag=--cpu-prof-dir=DIR
 *
 * The server runs in a process of its own so that its CPU is not counted.
 * Imports the built packages (run `pnpm build` first).
 */
import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { drive } from './drive.mjs';
import { splitArm } from './arm-flags.mjs';
import { openBarePool } from './bare-pool.mjs';

const { values: args } = parseArgs({
  options: {
    workers: { type: 'string', default: '2' },
    total: { type: 'string', default: '3000' },
    'warm-up': { type: 'string', default: '1000' },
    'in-flight': { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
    arm: { type: 'string', multiple: true, default: ['this'] },
    separate: { type: 'boolean', default: false },
    // internal: set on the per-arm processes of --separate
    'arm-process': { type: 'string' },
    // e.g. --child-flag=--require=/.../side-by-side/cpu-profile-preload.cjs (profile the children)
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


async function pooled(url, core, armFlags) {
  const { FuturesSession, ProcessPoolExecutor } = await import(core);
  const flags = [...args['child-flag'], ...armFlags];
  const executor = new ProcessPoolExecutor({
    maxWorkers: workers,
    concurrencyPerWorker: Math.max(1, Math.round(inFlight / workers)),
    ...(flags.length > 0 ? { execArgv: flags } : {}),
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

/** The floor: got in N bare children (bare-pool.mjs), no engine between. */
async function barePool(url, armFlags) {
  const pool = await openBarePool({ workers, execArgv: [...args['child-flag'], ...armFlags] });
  const send = async () => (await pool.get(url)).statusCode;
  return { send, close: () => pool.close() };
}

async function openArm(arm, url) {
  const [name, flags] = splitArm(arm);
  const before = new Set(childPids());
  const engine = name === 'got' ? await inProcessGot(url) : name === 'bare' ? await barePool(url, flags) : await pooled(url, name === 'this' ? '@requests-futures/core' : pathToFileURL(name).href, flags);
  await drive(engine.send, warmUp, inFlight);
  const children = childPids().filter((pid) => !before.has(pid));
  // Start-up (imports, the first requests' compiles) is what a fresh pool pays before its first rounds.
  if (children.length > 0) console.log(`${name}: children's CPU after the warm-up (start-up included): ${children.map((pid) => `${(cpuUs(pid) / 1000).toFixed(0)} ms`).join(', ')}`);
  return { name: arm === 'this' ? 'this build' : arm, ...engine, children, coordinator: [], child: [], reqPerSec: [] };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** This process's CPU in microseconds: getrusage, finer than /proc's clock ticks (the same threads counted). */
function selfUs() {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** One round of `total` GETs on an arm: the CPU its coordinator and its children spent per GET. */
async function runRound(arm) {
  const before = { self: selfUs(), children: arm.children.map(cpuUs), wall: performance.now() };
  await drive(arm.send, total, inFlight);
  const after = { self: selfUs(), children: arm.children.map(cpuUs), wall: performance.now() };
  return {
    coordinator: (after.self - before.self) / total,
    child: after.children.reduce((sum, us, i) => sum + us - before.children[i], 0) / total,
    reqPerSec: total / ((after.wall - before.wall) / 1000),
  };
}

/** An arm run in a process of its own (--separate), driven round by round over IPC. */
async function openSeparateArm(name, url) {
  const flags = [`--arm-process=${url}`, `--arm=${name}`, `--total=${total}`, `--warm-up=${warmUp}`, `--in-flight=${inFlight}`, `--workers=${workers}`, ...args['child-flag'].map((flag) => `--child-flag=${flag}`)];
  const child = fork(fileURLToPath(import.meta.url), flags, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = once(child, 'exit').then(([code]) => { throw new Error(`arm ${name}'s process exited (${code})`); });
  exited.catch(() => {});
  const reply = () => Promise.race([once(child, 'message').then(([message]) => message), exited]);
  await reply(); // warmed up
  return {
    name: name === 'this' ? 'this build' : name,
    coordinator: [], child: [], reqPerSec: [],
    round: async () => { child.send('round'); return reply(); },
    close: async () => { child.send('close'); await once(child, 'exit'); },
  };
}

if (args['arm-process'] !== undefined) {
  const arm = await openArm(args.arm[0], args['arm-process']);
  process.send('ready');
  process.on('message', async (message) => {
    if (message === 'round') process.send(await runRound(arm));
    else { await arm.close(); process.disconnect(); }
  });
} else {
  const server = await startServer();
  const arms = [];
  try {
    for (const name of args.arm) arms.push(args.separate ? await openSeparateArm(name, server.url) : await openArm(name, server.url));
    console.log(`${total} GETs per round, ${rounds} rounds per arm, ${inFlight} in flight, ProcessPool(${workers}), after ${warmUp} warm-up${args.separate ? ', each arm in its own process' : ''}; loadavg ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
    for (let round = 0; round < rounds; round++) {
      for (const arm of arms) {
        const result = arm.round ? await arm.round() : await runRound(arm);
        arm.coordinator.push(result.coordinator);
        arm.child.push(result.child);
        arm.reqPerSec.push(result.reqPerSec);
        console.log(`round ${round + 1} ${arm.name}: coordinator ${result.coordinator.toFixed(0)} us/GET, children ${result.child.toFixed(0)} us/GET, ${result.reqPerSec.toFixed(0)} req/s wall`);
      }
    }
    console.log(`medians (loadavg now ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}):`);
    for (const arm of arms) console.log(`  ${arm.name}: coordinator ${median(arm.coordinator).toFixed(0)} us/GET, children ${median(arm.child).toFixed(0)} us/GET, ${median(arm.reqPerSec).toFixed(0)} req/s wall`);
    // Under a varying load the rounds' figures drift together: the ratio of each round to the first arm's round beside it drifts less.
    for (const arm of arms.slice(1)) {
      const ratio = (field) => median(arm[field].map((value, i) => value / arms[0][field][i])).toFixed(3);
      console.log(`  ${arm.name} / ${arms[0].name}, median of the rounds' ratios: coordinator ${ratio('coordinator')}, children ${ratio('child')}`);
    }
  } finally {
    for (const arm of arms) await arm.close();
    server.child.kill();
  }
}
