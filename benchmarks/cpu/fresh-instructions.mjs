/**
 * Instructions a fresh ProcessPool(2) executes for N small GETs (#14's
 * fresh-pool target), counted by valgrind's callgrind for the coordinator and
 * each child (V8's background compile threads included): unlike CPU time, the
 * count hardly moves with load on the machine, so a change worth 1 % of a
 * child's warm-up shows, where child-start.mjs's medians move by 5 % under load.
 * Slow (about 50x): a few hundred GETs, one build after the other.
 *
 *   node benchmarks/cpu/fresh-instructions.mjs [--total 300] [--reps 1] <core dist index.js> ...
 */
import { fork, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args, positionals: arms } = parseArgs({ allowPositionals: true, options: { total: { type: 'string', default: '300' }, reps: { type: 'string', default: '1' } } });
if (arms.length === 0) throw new Error('fresh-instructions: name at least one core dist index.js');
if (spawnSync('valgrind', ['--version']).status !== 0) throw new Error('fresh-instructions: valgrind is not installed');

const freshRun = fileURLToPath(new URL('./fresh-run.mjs', import.meta.url));
const server = fork(fileURLToPath(new URL('./small-json-server.mjs', import.meta.url)), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const [port] = await once(server, 'message');
const url = `http://127.0.0.1:${port}/small`;

/** Giga-instructions of the coordinator and of the children together, for one fresh run of `arm`. */
function countOnce(arm) {
  const dir = mkdtempSync(join(tmpdir(), 'rf-callgrind-'));
  try {
    const run = spawnSync('valgrind', ['--tool=callgrind', '--trace-children=yes', `--callgrind-out-file=${dir}/cg.%p`, process.execPath, freshRun, resolve(arm), url, args.total, '2'], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (run.status !== 0) throw new Error(`fresh-run under valgrind failed (${run.status}): ${String(run.stderr).slice(-500)}`);
    let coordinator = 0;
    let children = 0;
    for (const file of readdirSync(dir)) {
      const text = readFileSync(join(dir, file), 'utf8');
      const total = Number(/^(?:summary|totals): (\d+)/m.exec(text)?.[1] ?? 0) / 1e9;
      if ((/^cmd: (.*)$/m.exec(text)?.[1] ?? '').includes('fresh-run')) coordinator += total;
      else children += total;
    }
    return { coordinator, children };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  console.log(`G instructions (callgrind) for ${args.total} fresh GETs: coordinator / both children`);
  for (let rep = 0; rep < Number(args.reps); rep++) {
    for (const arm of arms) {
      const { coordinator, children } = countOnce(arm);
      console.log(`  ${arm}: ${coordinator.toFixed(3)} / ${children.toFixed(3)}`);
    }
  }
} finally {
  server.kill();
}
