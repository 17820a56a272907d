/**
 * Whole-process wall time of short rf commands (help, one 100-byte download
 * in-process and with --processes 2) next to curl and Python importing
 * requests_futures: the start-up figures of issue 13, hyperfine-style
 * (every command run N times, interleaved, median and min printed).
 *
 *   node --import tsx benchmarks/src/start-up/time-start.ts [--runs 10] [--rf path/to/rf.mjs]...
 *
 * Each --rf adds one rf build to compare (default: this checkout's bundle and dist).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from '../stats.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, rf: { type: 'string', multiple: true } } });
const runs = Number(values.runs);
const packagesDir = fileURLToPath(new URL('../../../packages/', import.meta.url));
const rfBuilds = values.rf ?? [join(packagesDir, 'cli/bundle/rf.mjs'), join(packagesDir, 'cli/dist/rf.js')];

// spawnSync blocks this process while a command runs, so the 100-byte server lives in a child of its own.
const serverChild = spawn(
  process.execPath,
  ['-e', "const s=require('http').createServer((q,r)=>r.end(Buffer.alloc(100,'x'))).listen(0,'127.0.0.1',()=>console.log(s.address().port))"],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const port = await new Promise<string>((resolve) => serverChild.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));
const url = `http://127.0.0.1:${port}/f100`;
const work = mkdtempSync(join(tmpdir(), 'rf-start-'));
const list = join(work, 'list.txt');
writeFileSync(list, url + '\n');

interface Command {
  name: string;
  file: string;
  args: string[];
}
const commands: Command[] = [
  { name: 'node -e 0', file: process.execPath, args: ['-e', '0'] },
  { name: 'curl (one file)', file: 'curl', args: ['-s', '-o', join(work, 'curl.out'), url] },
  { name: 'python3 -c "import requests_futures"', file: '/usr/bin/python3', args: ['-c', 'import requests_futures.sessions'] },
];
for (const rf of rfBuilds) {
  commands.push({ name: `${rf} --help`, file: process.execPath, args: [rf, '--help'] });
  commands.push({ name: `${rf} download (1 file)`, file: process.execPath, args: [rf, 'download', list, '-o', join(work, 'out')] });
  commands.push({ name: `${rf} download --processes 2`, file: process.execPath, args: [rf, 'download', list, '-o', join(work, 'out'), '--processes', '2'] });
}

const times = new Map<string, number[]>(commands.map((c) => [c.name, []]));
try {
  for (let run = 0; run <= runs; run++) {
    for (const command of commands) {
      rmSync(join(work, 'out'), { recursive: true, force: true });
      const started = performance.now();
      const result = spawnSync(command.file, command.args, { stdio: ['ignore', 'ignore', 'pipe'] });
      const seconds = (performance.now() - started) / 1000;
      if (result.status !== 0) throw new Error(`${command.name} failed (${result.status}): ${result.stderr}`);
      if (run > 0) times.get(command.name)!.push(seconds); // run 0 warms the page cache
    }
  }
} finally {
  serverChild.kill();
  rmSync(work, { recursive: true, force: true });
}
console.log(`${runs} interleaved runs each (after one warm-up round), wall seconds`);
console.log('median  min     command');
for (const command of commands) {
  const samples = times.get(command.name)!;
  console.log(`${median(samples).toFixed(3)}   ${Math.min(...samples).toFixed(3)}   ${command.name}`);
}
