/**
 * What a fresh process spends (process.cpuUsage, CPU ms) importing one build's
 * code, builds interleaved, medians of --reps (#14's fresh-pool target, the
 * coordinator's import and a child's engine):
 *
 *   coordinator   import('@requests-futures/core') as a user's script does
 *   child engine  the modules a pool child imports before its first task
 *                 (worker protocol, core task-context, the request task)
 *
 *   node benchmarks/cpu/import-cost.mjs [--reps 15] [--bundle] CORE_DIST_INDEX_JS ...
 *
 * Each arm is a path to a built packages/core/dist/index.js; its siblings are found from it.
 * --bundle adds two arms for the coordinator, one-file esbuild builds of the first arm's
 * core (import cost only: files that core finds by import.meta.url are not relocated):
 * `core only` keeps @requests-futures/* and third-party packages external, as a published
 * core would have to (one serializer registry for the user and core); `everything` bundles
 * all of them, which would give a user who imports @requests-futures/serializer a second registry.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { reps: { type: 'string', default: '15' }, step: { type: 'string' }, bundle: { type: 'boolean', default: false } } });

const filesOf = (core, step) => {
  const packages = resolve(dirname(core), '../..');
  if (step === 'coordinator' || core.endsWith('.mjs')) return [core];
  return [join(packages, 'worker/dist/protocol.js'), join(packages, 'core/dist/task-context.js'), join(packages, 'core/dist/http/request-task.js')];
};

if (args.step !== undefined) {
  const start = process.cpuUsage();
  for (const file of filesOf(positionals[0], args.step)) await import(pathToFileURL(file).href);
  const used = process.cpuUsage(start);
  console.log(((used.user + used.system) / 1000).toFixed(1));
} else {
  const arms = positionals.map((path) => resolve(path));
  // Inside core's package, so that the bundles' external imports resolve as core's do.
  const dir = mkdtempSync(join(dirname(arms[0]), '../.import-bench-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const bundles = [];
  if (args.bundle) {
    const esbuild = createRequire(join(dirname(arms[0]), '../package.json'))('esbuild');
    for (const [name, external] of [['core-only', ['@requests-futures/*', 'got', 'tough-cookie', 'chardet', 'http2-wrapper', 'tinypool', 'fastest-levenshtein', 'superjson', 'tsx', 'tsx/*']], ['everything', ['tinypool', 'tsx', 'tsx/*']]]) {
      const outfile = join(dir, `${name}.mjs`);
      await esbuild.build({ entryPoints: [arms[0]], bundle: true, format: 'esm', platform: 'node', target: 'node20', outfile, external, logLevel: 'error',
        banner: { js: "import { createRequire as __rfCreateRequire } from 'node:module'; const require = __rfCreateRequire(import.meta.url);" } });
      bundles.push(outfile);
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(`CPU ms to import, medians of ${args.reps} fresh processes, arms interleaved`);
  for (const step of ['coordinator', 'child engine']) {
    const runs = new Map([...arms, ...(step === 'coordinator' ? bundles : [])].map((arm) => [arm, []]));
    const ratios = [];
    for (let rep = 0; rep < Number(args.reps); rep++) {
      for (const arm of runs.keys()) runs.get(arm).push(Number(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--step', step, arm], { encoding: 'utf8' })));
      if (arms.length === 2) ratios.push(runs.get(arms[0]).at(-1) / runs.get(arms[1]).at(-1));
    }
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`${step} (loadavg ${load})${ratios.length > 0 ? `: median pair ratio first/second ${median(ratios).toFixed(3)}` : ''}`);
    for (const [arm, values] of runs) console.log(`  ${arm}: ${median(values).toFixed(1)} ms`);
  }
}
