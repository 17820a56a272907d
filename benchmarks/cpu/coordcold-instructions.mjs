/**
 * Instructions the coordinator of a fresh ProcessPool(2) run executes
 * (fresh-run.mjs: import, one request, then N with 16 in flight, close), its
 * V8 background threads included, counted by valgrind's callgrind: unlike CPU
 * time this hardly moves with the load of a shared machine, so a change of a
 * few percent in the coordinator's cold path shows in a handful of runs.
 * Only the coordinator runs under valgrind; its children and the server do not.
 * Builds interleaved, median per build.
 *   node benchmarks/cpu/coordcold-instructions.mjs [--reps 3] [--total 3000] <core dist index.js>...
 */
import { execFile, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';

const { values: args, positionals: builds } = parseArgs({
  allowPositionals: true,
  options: { reps: { type: 'string', default: '3' }, total: { type: 'string', default: '3000' } },
});
const here = fileURLToPath(new URL('.', import.meta.url));
const run = promisify(execFile);

const server = fork(join(here, 'small-json-server.mjs'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
const port = await new Promise((resolve) => server.once('message', (message) => resolve(message.port ?? message)));
const url = `http://127.0.0.1:${port}/small`;

async function instructions(core) {
  const { stderr } = await run('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, join(here, 'fresh-run.mjs'), core, url, args.total, '2'], { maxBuffer: 64 * 1024 * 1024 });
  const match = /Collected : (\d+)/.exec(stderr);
  if (match === null) throw new Error(`no instruction count from valgrind for ${core}:\n${stderr.slice(-2000)}`);
  return Number(match[1]);
}

const counts = new Map(builds.map((core) => [core, []]));
try {
  for (let rep = 0; rep < Number(args.reps); rep++) {
    for (const core of builds) counts.get(core).push(await instructions(core));
  }
} finally {
  server.kill();
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const first = median(counts.get(builds[0]));
console.log(`coordinator instructions (millions), median of ${args.reps} fresh runs of ${args.total} GETs under callgrind:`);
for (const [core, values] of counts) {
  console.log(`  ${core}: ${(median(values) / 1e6).toFixed(0)} (${values.map((v) => (v / 1e6).toFixed(0)).join(', ')}), ${(median(values) / first).toFixed(3)}x the first`);
}
