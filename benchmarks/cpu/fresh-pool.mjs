/**
 * "Fresh pools for 3,000 requests" (#14): each run is a new process (fresh-run.mjs)
 * timed from spawn to exit, arms interleaved (got, then each build's
 * ProcessPool), so the ratio to got survives a loaded machine. CPU is the
 * process tree's (utime + stime of the run and its reaped children).
 *
 *   node benchmarks/cpu/fresh-pool.mjs [--reps 5] [--total 3000] [--workers 2] [core dist index.js[::CHILD FLAGS] | bare[::CHILD FLAGS] ...]
 *
 * `bare` is the floor: got in bare children (bare-pool.mjs), no engine between.
 *
 * `PATH::--flag --other` runs that build's children with those flags (arm-flags.mjs).
 *
 * Each run's wall is also split where fresh-run.mjs marks it: up to the first
 * response (start-up: the process, the import, a pool's first child) and the
 * N GETs after it, so a gap to got shows whether it is start-up or throughput.
 */
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { splitArm } from './arm-flags.mjs';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { reps: { type: 'string', default: '5' }, total: { type: 'string', default: '3000' }, workers: { type: 'string', default: '2' } },
});
const cores = positionals.length > 0 ? positionals.map((arm) => {
  const [path, flags] = splitArm(arm);
  if (path === 'bare') return arm;
  return flags.length > 0 ? `${resolve(path)}::${flags.join(' ')}` : resolve(path);
}) : [fileURLToPath(new URL('../../packages/core/dist/index.js', import.meta.url))];
const arms = ['got', ...cores];
const runner = fileURLToPath(new URL('./fresh-run.mjs', import.meta.url));

const server = fork(fileURLToPath(new URL('./small-json-server.mjs', import.meta.url)), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const [port] = await once(server, 'message');
const url = `http://127.0.0.1:${port}/small`;

/** Wall seconds from spawn to exit, the tree's CPU seconds (GNU time), and the wall to the first response and of the N GETs. */
async function timeRun(arm) {
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%U %S', process.execPath, runner, arm, url, args.total, args.workers], { stdio: ['ignore', 'pipe', 'pipe'], cwd: fileURLToPath(new URL('..', import.meta.url)) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  const wall = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${arm}: exit ${code}\n${stdout}${stderr}`);
  const [user, system] = stderr.trim().split('\n').at(-1).split(' ').map(Number);
  const [first, all] = stdout.match(/^phases (\S+) (\S+)$/m).slice(1).map((ms) => Number(ms) / 1000);
  return { wall, cpu: user + system, toFirst: first, gets: all - first };
}

const results = new Map(arms.map((arm) => [arm, []]));
try {
  for (let rep = 0; rep < Number(args.reps); rep++) {
    for (const arm of arms) {
      const result = await timeRun(arm);
      results.get(arm).push(result);
      console.log(`rep ${rep + 1} ${arm === 'got' ? 'got in-process' : `${arm.startsWith('bare') ? 'bare pool' : 'ProcessPool'}(${args.workers}) ${arm}`}: ${result.wall.toFixed(2)} s wall (${result.toFirst.toFixed(2)} to the first response, ${result.gets.toFixed(2)} for the ${args.total}), ${result.cpu.toFixed(2)} s CPU`);
    }
  }
} finally {
  server.kill();
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const gotWall = median(results.get('got').map((r) => r.wall));
const gotGets = median(results.get('got').map((r) => r.gets));
console.log(`medians, ${args.total} GETs per fresh process (loadavg ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}):`);
for (const arm of arms) {
  const wall = median(results.get(arm).map((r) => r.wall));
  const gets = median(results.get(arm).map((r) => r.gets));
  console.log(`  ${arm === 'got' ? 'got in-process' : arm}: ${wall.toFixed(2)} s wall (${(gotWall / wall).toFixed(2)}x got's throughput), ${median(results.get(arm).map((r) => r.cpu)).toFixed(2)} s CPU; ${median(results.get(arm).map((r) => r.toFirst)).toFixed(2)} s to the first response, ${gets.toFixed(2)} s for the ${args.total} (${(gotGets / gets).toFixed(2)}x got's)`);
}
