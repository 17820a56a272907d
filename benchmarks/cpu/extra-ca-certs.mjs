/**
 * What the machine's NODE_EXTRA_CA_CERTS costs #14's fresh-pool comparison:
 * Node reads and parses that file at every process start, before any code
 * runs, whether or not anything speaks TLS; got in-process pays it once, a
 * ProcessPool(2) (or the bare floor) three times. Runs fresh-run.mjs as
 * fresh-pool.mjs does, each arm with the variable as this process has it and
 * with it removed, interleaved, so both sides see the same load.
 *   node benchmarks/cpu/extra-ca-certs.mjs [--reps 5] [--total 3000] [core dist index.js | bare ...]
 */
import { execFile, fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { resolve } from 'node:path';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { reps: { type: 'string', default: '5' }, total: { type: 'string', default: '3000' } },
});
if (process.env.NODE_EXTRA_CA_CERTS === undefined) throw new Error('NODE_EXTRA_CA_CERTS is not set here: nothing to compare');
const arms = ['got', ...positionals.map((arm) => (arm === 'bare' ? arm : resolve(arm)))];
const runner = fileURLToPath(new URL('./fresh-run.mjs', import.meta.url));
const run = promisify(execFile);
const withoutCa = { ...process.env };
delete withoutCa.NODE_EXTRA_CA_CERTS;

const server = fork(fileURLToPath(new URL('./small-json-server.mjs', import.meta.url)), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const [port] = await once(server, 'message');
const url = `http://127.0.0.1:${port}/small`;

/** Wall, user and system seconds of one run, as GNU time counts them (the tree: the run and its reaped children). */
async function timeRun(arm, env) {
  const { stderr } = await run('/usr/bin/time', ['-f', '%e %U %S', process.execPath, runner, arm, url, args.total, '2'], { env, maxBuffer: 16 * 1024 * 1024 });
  const [wall, user, system] = stderr.trim().split('\n').at(-1).split(' ').map(Number);
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
