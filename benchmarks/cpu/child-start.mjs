/**
 * What a fresh ProcessPool(2) spends before and while it serves its first
 * requests (#14's fresh-pool target): CPU of the coordinator and of each child
 * (utime + stime from /proc, so load on the machine counts less than in wall
 * time) once the first request is back, after 16 more, and after N more.
 * Each repetition is a new process per build, builds interleaved.
 *
 *   node benchmarks/cpu/child-start.mjs [--reps 5] [--total 3000] [core dist index.js[::CHILD FLAGS] | bare[::CHILD FLAGS] ...]
 *
 * `bare` is the floor: got in two bare children (bare-pool.mjs), no engine between.
 *
 * An arm written `PATH::--flag --other-flag` runs that build with those Node/V8
 * flags on its children (arm-flags.mjs), side by side with the same build without them.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { drive } from './drive.mjs';
import { splitArm } from './arm-flags.mjs';
import { openBarePool } from './bare-pool.mjs';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { reps: { type: 'string', default: '5' }, total: { type: 'string', default: '3000' }, child: { type: 'boolean', default: false } },
});

const cpuMs = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const childPids = () => readdirSync('/proc/self/task').flatMap((task) => readFileSync(`/proc/self/task/${task}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number));

async function poolEngine(core, flags) {
  const { FuturesSession, ProcessPoolExecutor } = await import(pathToFileURL(core).href);
  const executor = new ProcessPoolExecutor({ maxWorkers: 2, concurrencyPerWorker: 8, ...(flags.length > 0 ? { execArgv: flags } : {}) });
  const session = new FuturesSession({ executor, adapterOptions: { poolMaxSize: 16 } });
  const send = async () => (await session.get(positionals[1])).statusCode;
  return { send, close: async () => { await session.close(); await executor.shutdown({ wait: true }); } };
}

async function bareEngine(flags) {
  const pool = await openBarePool({ workers: 2, execArgv: flags });
  const send = async () => (await pool.get(positionals[1])).statusCode;
  return { send, close: () => pool.close() };
}

if (args.child) {
  // One fresh run: [core, url] in positionals; prints one JSON line.
  const [arm, url] = positionals;
  const [core, flags] = splitArm(arm);
  const start = cpuMs(process.pid);
  const engine = core === 'bare' ? await bareEngine(flags) : await poolEngine(core, flags);
  const send = engine.send;
  const snapshot = () => ({ coordinator: cpuMs(process.pid) - start, children: childPids().map(cpuMs).reduce((a, b) => a + b, 0) });
  await drive(send, 1, 16);
  const first = snapshot();
  await drive(send, 16, 16);
  const seventeen = snapshot();
  await drive(send, Number(args.total), 16);
  const end = snapshot();
  await engine.close();
  console.log(JSON.stringify({ first, seventeen, end }));
} else {
  const cores = positionals.length > 0 ? positionals.map((arm) => {
    const [path, flags] = splitArm(arm);
    if (path === 'bare') return arm;
    return flags.length > 0 ? `${resolve(path)}::${flags.join(' ')}` : resolve(path);
  }) : [fileURLToPath(new URL('../../packages/core/dist/index.js', import.meta.url))];
  const server = fork(fileURLToPath(new URL('./small-json-server.mjs', import.meta.url)), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [port] = await once(server, 'message');
  const url = `http://127.0.0.1:${port}/small`;
  const results = new Map(cores.map((core) => [core, []]));
  try {
    for (let rep = 0; rep < Number(args.reps); rep++) {
      for (const core of cores) {
        const run = fork(fileURLToPath(import.meta.url), ['--child', '--total', args.total, core, url], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
        let out = '';
        run.stdout.on('data', (chunk) => (out += chunk));
        const [code] = await once(run, 'exit');
        if (code !== 0) throw new Error(`${core}: exit ${code}`);
        results.get(core).push(JSON.parse(out));
      }
    }
  } finally {
    server.kill();
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(`CPU ms, medians of ${args.reps} fresh runs (loadavg ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}): coordinator / both children`);
  for (const [core, runs] of results) {
    const at = (key) => `${median(runs.map((r) => r[key].coordinator))} / ${median(runs.map((r) => r[key].children))}`;
    console.log(`  ${core}: first response ${at('first')}, after 17 ${at('seventeen')}, after ${Number(args.total) + 17} ${at('end')}`);
  }
}
