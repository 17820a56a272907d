/**
 * What the machine's NODE_EXTRA_CA_CERTS costs #14's fresh-pool comparison:
 * Node reads and parses that file at every process start, before any code
 * runs, whether or not anything speaks TLS; got in-process pays it once, a
 * ProcessPool(2) (or the bare floor) three times. Runs fresh-run.mjs as
 * fresh-pool.mjs does, each arm with the variable as this process has it and
 * with it removed, interleaved, so both sides see the same load.
 *   node benchmarks/cpu/coordcold-extra-ca.mjs [--reps 5] [--total 3000] [core dist index.js | bare ...]
 */
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { reps: { type: 'string', default: '5' }, total: { type: 'string', default: '3000' } },
});
if (process.env.NODE_EXTRA_CA_CERTS === undefined) throw new Error('NODE_EXTRA_CA_CERTS is not set here: nothing to compare');
const arms = ['got', ...positionals.map((arm) => (arm === 'bare' ? arm : resolve(arm)))];
const runner = fileURLToPath(new URL('./fresh-run.mjs', import.meta.url));
const withoutCa = { ...process.env };
delete withoutCa.NODE_EXTRA_CA_CERTS;

const server = fork(fileURLToPath(new URL('./small-json-server.mjs', import.meta.url)), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const [port] = await once(server, 'message');
const url = `http://127.0.0.1:${port}/small`;

/** Wall seconds from spawn to exit, and the tree's CPU seconds (GNU time). */
async function timeRun(arm, env) {
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%U %S', process.execPath, runner, arm, url, args.total, '2'], { stdio: ['ignore', 'inherit', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  const wall = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${arm}: exit ${code}\n${stderr}`);
  const [user, system] = stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { wall, cpu: user + system };
}

const sides = [['with NODE_EXTRA_CA_CERTS', process.env], ['without', withoutCa]];
const results = new Map();
try {
  for (let rep = 0; rep < Number(args.reps); rep++) {
    for (const arm of arms) {
      for (const [side, env] of sides) {
        const key = `${arm}, ${side}`;
        if (!results.has(key)) results.set(key, []);
        results.get(key).push(await timeRun(arm, env));
      }
    }
  }
} finally {
  server.kill();
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`medians of ${args.reps}, ${args.total} GETs per fresh process (loadavg ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}):`);
for (const [side] of sides) {
  const gotWall = median(results.get(`got, ${side}`).map((r) => r.wall));
  for (const arm of arms) {
    const runs = results.get(`${arm}, ${side}`);
    const wall = median(runs.map((r) => r.wall));
    console.log(`  ${side}: ${arm}: ${wall.toFixed(2)} s wall (${(gotWall / wall).toFixed(2)}x got's throughput), ${median(runs.map((r) => r.cpu)).toFixed(2)} s CPU`);
  }
}
