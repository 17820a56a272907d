/**
 * TurboFan compiles in the coordinator of one fresh 3,000-GET run, per
 * function (sum of the three `took` figures, ms of background-thread wall),
 * for each core build given: the before/after figure of the request spec's
 * own form (spec-wire.ts).
 *   node coordinator-opt-trace.mjs <core dist index.js>... [--top N]
 */
import { execFileSync, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
const here = fileURLToPath(new URL('.', import.meta.url));
const trace = join(tmpdir(), `specwire-coordtrace-${process.pid}.cjs`);
// Only the coordinator traces: a pool child has process.send.
writeFileSync(trace, 'if (!process.send) require("v8").setFlagsFromString("--trace-opt");\n');

const server = fork(join(here, 'small-json-server.mjs'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
const port = await new Promise((resolve) => server.once('message', (message) => resolve(message.port ?? message)));
const url = `http://127.0.0.1:${port}/small`;
try {
  for (const core of args) {
    const out = execFileSync(process.execPath, ['-r', trace, join(here, 'fresh-run.mjs'), core, url, '3000', '2'], { maxBuffer: 256 * 1024 * 1024 }).toString();
    const perFunction = new Map();
    let compiles = 0;
    for (const line of out.split('\n')) {
      const match = /<JSFunction (.*?) \(sfi.*took ([0-9.]+), ([0-9.]+), ([0-9.]+) ms/.exec(line);
      if (match === null || !line.includes('completed compiling')) continue;
      compiles++;
      perFunction.set(match[1], (perFunction.get(match[1]) ?? 0) + Number(match[2]) + Number(match[3]) + Number(match[4]));
    }
    const sorted = [...perFunction].sort((a, b) => b[1] - a[1]);
    const total = sorted.reduce((sum, [, ms]) => sum + ms, 0);
    console.log(`${core}: ${compiles} compiles, ${total.toFixed(0)} ms`);
    console.log(sorted.slice(0, top).map(([name, ms]) => `${ms.toFixed(0)} ${name}`).join(', '));
  }
} finally {
  server.kill();
}
